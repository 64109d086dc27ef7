package dev.tcompile.cli;

import picocli.CommandLine;

/** {@code tcompile --version}: the build's version and the JVM it runs on. */
final class Version implements CommandLine.IVersionProvider {
  @Override public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[]{"tcompile " + (v == null ? "dev" : v), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
  }
}
