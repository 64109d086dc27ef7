package dev.tcompile.codegen.aot;

import dev.tcompile.runtime.compiled.Artifact;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/** Test helper: a jar's entries as a map, and back (to tamper with artifacts). */
final class JarEntries {
  private JarEntries() {}

  static Map<String, byte[]> read(Path jar) throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      var es = f.entries();
      while (es.hasMoreElements()) {
        JarEntry e = es.nextElement();
        m.put(e.getName(), f.getInputStream(e).readAllBytes());
      }
    }
    return m;
  }

  static void write(Path jar, Map<String, byte[]> entries) throws IOException {
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
  }

  /** Replaces the manifest and its digest (a tampered manifest that still passes the checksum). */
  static void putManifest(Map<String, byte[]> entries, String manifest) {
    byte[] b = manifest.getBytes(StandardCharsets.UTF_8);
    entries.put(Artifact.MANIFEST, b);
    entries.put(Artifact.MANIFEST_DIGEST, (Artifact.sha256(b) + "\n").getBytes(StandardCharsets.US_ASCII));
  }
}
