package dev.comfyagent.instrument.report;

/**
 * One section of the report page: reads its figures from the {@link Run} and appends its HTML to
 * the page being written. Each section is one class, in the page's order in {@link ReportPage}.
 *
 * <p>Not thread-safe: a section writes once, into one page.
 */
abstract class PageSection {

  /** What the page shows. */
  final Run run;

  /** The page being written. */
  final StringBuilder out;

  PageSection(Run run, StringBuilder out) {
    this.run = run;
    this.out = out;
  }

  /** Appends this section's HTML to the page. */
  abstract void write();
}
