package dev.tcompile.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The tcompile checkout the CLI runs from (the launcher passes it as {@code -Dtcompile.home}). */
final class Home {
  private Home() {}

  static Path path() {
    String home = System.getProperty("tcompile.home");
    if (home != null) return Path.of(home);
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
      if (Files.isDirectory(p.resolve("data/MNIST/raw"))) return p;
    return Path.of("");
  }
}
