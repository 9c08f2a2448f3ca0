package dev.comfyagent.instrument;

/** A class the class loader test hides in a jar under {@code inst/}. */
public final class HiddenFixture {}
