/**
 * Which files the tools may touch, and how they write them: {@link
 * dev.comfyagent.runtime.files.AllowedRoots} resolves a user's path inside the configured workflow
 * folders (or refuses it, naming why: traversal, a link out, file access off), and {@link
 * dev.comfyagent.runtime.files.AtomicFileWriter} replaces a file whole or not at all.
 *
 * <p>May import: {@code tool} only.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * AllowedRoots roots = AllowedRoots.of(List.of(Path.of("workflows")));
 * Path out = roots.resolveForWrite("portraits/v2.json");   // PathNotAllowedException outside
 * AtomicFileWriter.write(out, bytes, false);                 // false: refuse to replace a file
 * }</pre>
 */
package dev.comfyagent.runtime.files;
