package dev.tcompile.runtime.compiled;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The layout of a compiled-model jar, shared by its writer (codegen) and {@link CompiledModel}: a manifest
 * (JSON), the manifest's SHA-256, the weights as safetensors, the generated classes as ordinary class files. The
 * manifest lists every other entry's SHA-256, so a corrupt or mixed-up jar is refused before anything runs.
 */
public final class Artifact {
  private Artifact() {}

  /** Bumped whenever the manifest's meaning or the program ABI changes; loaders refuse other versions. */
  public static final int FORMAT = 2;
  public static final String MANIFEST = "tcompile/manifest.json";
  public static final String MANIFEST_DIGEST = "tcompile/manifest.sha256";
  public static final String WEIGHTS = "tcompile/weights.safetensors";
  /** Generated classes live in this package (internal form), one jar per class loader. */
  public static final String PACKAGE = "tcompile/aot/";
  public static final String PROGRAM = PACKAGE + "Program";

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
