package dev.tcompile.nn;

/** PyTorch's {@code _DropoutNd}: the probability and in-place flag shared by the dropout modules, and their repr. */
public abstract class DropoutNd extends Module {
  protected final double p;
  protected final boolean inplace;

  protected DropoutNd(double p, boolean inplace) {
    F.checkDropoutP(p);
    this.p = p;
    this.inplace = inplace;
  }

  public double p() { return p; }

  public boolean inplace() { return inplace; }

  @Override protected String extraRepr() { return "p=" + PyRepr.of(p) + ", inplace=" + PyRepr.of(inplace); }
}
