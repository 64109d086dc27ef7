package dev.tcompile;

/**
 * The one unchecked error type of tcompile. Messages follow PyTorch's wording and name the op and shapes,
 * so that a user searching for the message finds the PyTorch explanation too.
 */
public class TorchException extends RuntimeException {
  public TorchException(String message) { super(message); }
  public TorchException(String message, Throwable cause) { super(message, cause); }
}
