package dev.comfyagent.runtime.discover;

/**
 * One output slot of a node type.
 *
 * @param index the slot index that links refer to ({@code ["4", 0]})
 * @param type the type it produces ({@code MODEL}, {@code CLIP}, {@code IMAGE}, ...)
 * @param name the slot's display name
 * @param isList whether the output is a list ComfyUI iterates over
 */
public record OutputSpec(int index, String type, String name, boolean isList) {}
