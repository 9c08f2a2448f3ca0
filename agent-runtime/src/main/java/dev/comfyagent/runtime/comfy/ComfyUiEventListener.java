package dev.comfyagent.runtime.comfy;

import com.fasterxml.jackson.databind.JsonNode;

/** Receives the messages of ComfyUI's {@code /ws} socket. Called on the client's I/O thread. */
public interface ComfyUiEventListener {

  /** One JSON message: {@code type} is {@code status}, {@code executing}, {@code progress}, ... */
  void onMessage(String type, JsonNode data);

  /** The socket closed, normally or not; {@code error} is {@code null} on a normal close. */
  void onClosed(Throwable error);
}
