package dev.comfyagent.runtime.execute;

/**
 * A file a render produced, as ComfyUI lists it in {@code executed} messages and in {@code outputs}
 * of its history.
 *
 * @param nodeId the node that produced it
 * @param kind the output list it came in ({@code images}, {@code gifs}, {@code audio}, ...)
 * @param filename the file name
 * @param subfolder the subfolder of ComfyUI's directory, possibly empty
 * @param type {@code output} (kept) or {@code temp} (previews)
 * @param url its {@code /view} URL
 */
public record OutputFile(
    String nodeId, String kind, String filename, String subfolder, String type, String url) {}
