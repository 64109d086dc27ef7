package dev.tcompile.vision;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.util.HashMap;
import java.util.Map;

/**
 * A small built-in stroke font, so figures render the same on every machine: Java2D text needs installed
 * fonts (and often fontconfig), which a headless JDK may lack. Glyphs are polylines and elliptic arcs in
 * units where the cap height is 10; advances follow DejaVu Sans (matplotlib's default font), so labels take
 * the room matplotlib's take. Unknown characters draw as a box.
 */
final class StrokeFont {
  private StrokeFont() {}

  /** Cap height of DejaVu Sans in em; 10 units here. */
  private static final double CAP_EM = 0.729;
  private static final double UNITS_PER_EM = 10 / CAP_EM;

  private record Glyph(double advanceEm, double[][] strokes) {}

  private static final Map<Character, Glyph> GLYPHS = new HashMap<>();

  private static void def(char c, double advanceEm, String strokes) { GLYPHS.put(c, new Glyph(advanceEm, parse(strokes))); }

  static {
    def(' ', 0.318, "");
    def('0', 0.636, "A 4.36,5,3,5,0,360");
    def('1', 0.636, "M 1.9,8.2 L 4.7,10 L 4.7,0 M 1.9,0 L 7.4,0");
    def('2', 0.636, "A 4.3,7.2,2.8,2.8,155,-195 L 1.3,0 L 7.4,0");
    def('3', 0.636, "A 4.3,7.55,2.6,2.45,155,-245 A 4.3,2.6,2.9,2.55,90,-255 M 3.2,5.1 L 4.3,5.1");
    def('4', 0.636, "M 5.9,0 L 5.9,10 L 1,3.2 L 7.7,3.2");
    def('5', 0.636, "M 6.9,10 L 2.1,10 L 1.9,5.4 A 4.3,3.2,3,3.2,138,-280");
    def('6', 0.636, "A 4.45,3.15,2.95,3.15,0,360 M 6.6,9.6 A 5.45,4.1,4,5.9,76,108");
    def('7', 0.636, "M 1.2,10 L 7.4,10 L 3.2,0");
    def('8', 0.636, "A 4.36,7.5,2.6,2.5,0,360 A 4.36,2.65,3,2.65,0,360");
    def('9', 0.636, "A 4.27,6.85,2.95,3.15,0,360 M 2.1,0.4 A 3.27,5.9,4,5.9,-104,108");
    def('.', 0.318, "M 2.2,0.4 L 2.2,0.9");
    def(',', 0.318, "M 2.3,1 L 1.5,-1.6");
    def(':', 0.337, "M 2.3,0.4 L 2.3,0.9 M 2.3,6.6 L 2.3,7.1");
    def(';', 0.337, "M 2.3,1 L 1.5,-1.6 M 2.3,6.6 L 2.3,7.1");
    def('-', 0.361, "M 0.9,3.4 L 4.05,3.4");
    def('\u2212', 0.838, "M 1.9,4.3 L 9.6,4.3");
    def('+', 0.838, "M 5.75,0.6 L 5.75,8 M 1.9,4.3 L 9.6,4.3");
    def('=', 0.838, "M 1.9,3 L 9.6,3 M 1.9,5.6 L 9.6,5.6");
    def('<', 0.838, "M 9.6,7.4 L 1.9,4.3 L 9.6,1.2");
    def('>', 0.838, "M 1.9,7.4 L 9.6,4.3 L 1.9,1.2");
    def('(', 0.39, "A 5.6,4,3.5,7,125,110");
    def(')', 0.39, "A -0.3,4,3.5,7,55,-110");
    def('[', 0.39, "M 4.4,10.6 L 2.1,10.6 L 2.1,-2.6 L 4.4,-2.6");
    def(']', 0.39, "M 1,10.6 L 3.3,10.6 L 3.3,-2.6 L 1,-2.6");
    def('{', 0.636, "M 6,10.6 L 4.9,10.6 L 4.2,9.9 L 4.2,4.7 L 3.2,4 L 4.2,3.3 L 4.2,-1.9 L 4.9,-2.6 L 6,-2.6");
    def('}', 0.636, "M 2.7,10.6 L 3.8,10.6 L 4.5,9.9 L 4.5,4.7 L 5.5,4 L 4.5,3.3 L 4.5,-1.9 L 3.8,-2.6 L 2.7,-2.6");
    def('/', 0.337, "M 4.4,10.4 L 0.2,-1.2");
    def('\\', 0.337, "M 0.2,10.4 L 4.4,-1.2");
    def('|', 0.337, "M 2.3,10.6 L 2.3,-3");
    def('_', 0.5, "M 0,-2.2 L 6.9,-2.2");
    def('\'', 0.275, "M 1.9,10 L 1.9,6.6");
    def('"', 0.46, "M 1.9,10 L 1.9,6.6 M 4.4,10 L 4.4,6.6");
    def('`', 0.5, "M 2.4,10.6 L 4,8.8");
    def('!', 0.4, "M 2.75,10 L 2.75,2.8 M 2.75,0.4 L 2.75,0.9");
    def('?', 0.531, "A 3.6,7.5,2.5,2.5,160,-230 L 3.6,3.2 L 3.6,2.5 M 3.6,0.4 L 3.6,0.9");
    def('*', 0.5, "M 3.4,10 L 3.4,5.4 M 1.4,8.9 L 5.4,6.5 M 1.4,6.5 L 5.4,8.9");
    def('#', 0.838, "M 4.6,10 L 3,0 M 8.2,10 L 6.6,0 M 2,6.6 L 9.6,6.6 M 1.6,3.4 L 9.2,3.4");
    def('%', 0.95, "A 3.3,7.4,1.9,2.6,0,360 A 9.7,2.6,1.9,2.6,0,360 M 10.2,10 L 2.8,0");
    def('&', 0.78, "M 9.6,0 L 3.2,6.6 A 4.6,8.3,1.9,1.7,215,-250 L 3.6,5.2 A 4.3,2.7,2.9,2.6,130,160 L 8.6,4.6");
    def('@', 1.0, "A 6.9,3.6,2.3,2.8,0,360 M 9.2,6.4 L 9.2,2.2 A 10.6,3.5,1.4,2.8,180,180 A 6.9,3.6,5.6,6.6,10,330");
    def('$', 0.636, "A 4.4,7.3,2.7,2.35,25,245 A 4.4,2.6,2.8,2.35,90,-245 M 4.4,11.5 L 4.4,-1.7");
    def('^', 0.838, "M 2.2,6 L 5.75,10 L 9.3,6");
    def('~', 0.838, "A 3.8,3.6,1.9,1.2,180,-180 A 7.6,5,1.9,1.2,180,180");
    def('\u00d7', 0.838, "M 2.6,1.2 L 8.9,7.5 M 2.6,7.5 L 8.9,1.2");

    def('A', 0.684, "M 0.4,0 L 4.7,10 L 9,0 M 2,3.5 L 7.4,3.5");
    def('B', 0.686, "M 1.4,0 L 1.4,10 L 5.3,10 A 5.3,7.6,2.4,2.4,90,-180 L 1.4,5.2 L 5.6,5.2 A 5.6,2.6,2.7,2.6,90,-180 L 1.4,0");
    def('C', 0.698, "A 5.5,5,4.4,5.1,42,276");
    def('D', 0.77, "M 1.4,0 L 1.4,10 L 4.6,10 A 4.6,5,4.7,5,90,-180 L 1.4,0");
    def('E', 0.632, "M 7.6,10 L 1.4,10 L 1.4,0 L 7.6,0 M 1.4,5.3 L 7.3,5.3");
    def('F', 0.575, "M 7.1,10 L 1.4,10 L 1.4,0 M 1.4,5.3 L 6.6,5.3");
    def('G', 0.775, "A 5.6,5,4.5,5.1,42,276 L 10.1,4.4 L 6.4,4.4");
    def('H', 0.752, "M 1.4,0 L 1.4,10 M 8.9,0 L 8.9,10 M 1.4,5.3 L 8.9,5.3");
    def('I', 0.295, "M 2,0 L 2,10");
    def('J', 0.295, "M 2,10 L 2,-0.6 A 0,-0.6,2,2.3,0,-90 L -1,-2.9");
    def('K', 0.656, "M 1.4,0 L 1.4,10 M 8.6,10 L 1.4,3.4 M 3.9,5.6 L 8.9,0");
    def('L', 0.557, "M 1.4,10 L 1.4,0 L 7.3,0");
    def('M', 0.863, "M 1.4,0 L 1.4,10 L 5.9,1.6 L 10.4,10 L 10.4,0");
    def('N', 0.748, "M 1.4,0 L 1.4,10 L 8.9,0 L 8.9,10");
    def('O', 0.787, "A 5.4,5,4.3,5.1,0,360");
    def('P', 0.603, "M 1.4,0 L 1.4,10 L 5,10 A 5,7.2,2.8,2.8,90,-180 L 1.4,4.4");
    def('Q', 0.787, "A 5.4,5,4.3,5.1,0,360 M 6.4,0.1 L 8.8,-2.2");
    def('R', 0.695, "M 1.4,0 L 1.4,10 L 5.2,10 A 5.2,7.45,2.7,2.55,90,-180 L 1.4,4.9 M 4.6,4.9 L 8.8,0");
    def('S', 0.635, "A 4.4,7.5,2.9,2.5,20,250 A 4.4,2.5,3.2,2.5,90,-255");
    def('T', 0.611, "M 0.1,10 L 8.3,10 M 4.2,10 L 4.2,0");
    def('U', 0.732, "M 1.4,10 L 1.4,3.8 A 5,3.8,3.6,3.8,180,180 L 8.6,10");
    def('V', 0.684, "M 0.4,10 L 4.7,0 L 9,10");
    def('W', 0.989, "M 0.6,10 L 3.4,0 L 6.8,8.6 L 10.2,0 L 13,10");
    def('X', 0.685, "M 0.9,10 L 8.5,0 M 8.5,10 L 0.9,0");
    def('Y', 0.611, "M 0.1,10 L 4.2,5.1 L 8.3,10 M 4.2,5.1 L 4.2,0");
    def('Z', 0.685, "M 1.2,10 L 8.4,10 L 1,0 L 8.5,0");

    def('a', 0.613, "M 1.9,6.9 A 4.3,5.1,2.6,2.1,130,-130 L 6.9,0 M 6.9,3.8 L 4.2,3.8 A 4.1,1.9,2.7,1.9,90,270");
    def('b', 0.635, "M 1.3,10.4 L 1.3,0 M 1.3,3.75 A 4.55,3.75,3.25,3.8,180,360");
    def('c', 0.55, "A 4.4,3.75,3.2,3.8,43,274");
    def('d', 0.635, "M 7.4,10.4 L 7.4,0 M 7.4,3.75 A 4.15,3.75,3.25,3.8,0,360");
    def('e', 0.615, "M 1.3,3.9 L 7.3,3.9 A 4.3,3.75,3,3.8,0,318");
    def('f', 0.352, "M 5,10.3 A 4.9,8.4,2,2,90,90 L 2.9,0 M 1,7.4 L 4.7,7.4");
    def('g', 0.635, "M 7.4,7.5 L 7.4,-0.2 A 4.2,-0.2,3.2,2.9,0,-150 M 7.4,3.75 A 4.15,3.75,3.25,3.8,0,360");
    def('h', 0.634, "M 1.3,10.4 L 1.3,0 M 1.3,4.3 A 4.2,4.3,2.9,3.2,160,-160 L 7.1,0");
    def('i', 0.278, "M 1.9,7.5 L 1.9,0 M 1.9,10.1 L 1.9,10.5");
    def('j', 0.278, "M 1.9,7.5 L 1.9,-1.2 A 0,-1.2,1.9,2,0,-90 L -0.6,-3.2 M 1.9,10.1 L 1.9,10.5");
    def('k', 0.579, "M 1.3,10.4 L 1.3,0 M 7,7.5 L 1.3,2.6 M 3.3,4.3 L 7.3,0");
    def('l', 0.278, "M 1.9,10.4 L 1.9,0");
    def('m', 0.974, "M 1.3,7.5 L 1.3,0 M 1.3,4.6 A 3.9,4.6,2.6,2.9,165,-165 L 6.5,0 M 6.5,4.6 A 9.1,4.6,2.6,2.9,165,-165 L 11.7,0");
    def('n', 0.634, "M 1.3,7.5 L 1.3,0 M 1.3,4.3 A 4.2,4.3,2.9,3.2,160,-160 L 7.1,0");
    def('o', 0.612, "A 4.2,3.75,3.1,3.8,0,360");
    def('p', 0.635, "M 1.3,7.5 L 1.3,-3 M 1.3,3.75 A 4.55,3.75,3.25,3.8,180,360");
    def('q', 0.635, "M 7.4,7.5 L 7.4,-3 M 7.4,3.75 A 4.15,3.75,3.25,3.8,0,360");
    def('r', 0.411, "M 1.3,7.5 L 1.3,0 M 1.3,4.2 A 4.9,4.1,3.6,3.4,170,-95");
    def('s', 0.521, "A 3.6,5.65,2.5,1.85,25,245 A 3.6,1.9,2.6,1.9,90,-250");
    def('t', 0.392, "M 2.6,9.6 L 2.6,1.8 A 4.4,1.8,1.8,1.8,180,90 L 5.1,0 M 0.8,7.4 L 5,7.4");
    def('u', 0.634, "M 1.3,7.5 L 1.3,3.2 A 4.2,3.2,2.9,3.2,200,160 M 7.1,7.5 L 7.1,0");
    def('v', 0.592, "M 0.5,7.5 L 4.05,0 L 7.6,7.5");
    def('w', 0.818, "M 0.6,7.5 L 2.9,0 L 5.6,6.4 L 8.3,0 L 10.6,7.5");
    def('x', 0.592, "M 0.7,7.5 L 7.4,0 M 7.4,7.5 L 0.7,0");
    def('y', 0.592, "M 0.5,7.5 L 4.05,0 M 7.6,7.5 L 3.4,-1.5 A 1.9,-1.6,1.5,1.5,0,-90 L 0.9,-3.1");
    def('z', 0.525, "M 1,7.5 L 6.3,7.5 L 0.9,0 L 6.4,0");
  }

  /** Width in pixels of {@code text} at {@code sizePx} pixels per em. */
  static double width(String text, double sizePx) {
    double w = 0;
    for (int i = 0; i < text.length(); i++) w += glyph(text.charAt(i)).advanceEm() * sizePx;
    return w;
  }

  /** Cap height in pixels: the height of digits and capitals. */
  static double capHeight(double sizePx) { return CAP_EM * sizePx; }

  /** Draws {@code text} with its baseline starting at (x, baselineY), y pointing down. */
  static void draw(Graphics2D g, String text, double x, double baselineY, double sizePx) {
    double unit = sizePx / UNITS_PER_EM;
    Path2D.Double path = new Path2D.Double();
    double pen = x;
    for (int i = 0; i < text.length(); i++) {
      Glyph glyph = glyph(text.charAt(i));
      for (double[] s : glyph.strokes()) {
        path.moveTo(pen + s[0] * unit, baselineY - s[1] * unit);
        for (int k = 2; k < s.length; k += 2) path.lineTo(pen + s[k] * unit, baselineY - s[k + 1] * unit);
      }
      pen += glyph.advanceEm() * sizePx;
    }
    g.setStroke(new BasicStroke((float) Math.max(1.0, 0.094 * sizePx), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(path);
  }

  private static final Glyph BOX = new Glyph(0.6, parse("M 1,0 L 7,0 L 7,10 L 1,10 L 1,0"));

  private static Glyph glyph(char c) { return GLYPHS.getOrDefault(c, BOX); }

  /** Strokes from "M x,y L x,y A cx,cy,rx,ry,startDeg,extentDeg": arcs continue the current stroke. */
  private static double[][] parse(String spec) {
    java.util.List<double[]> strokes = new java.util.ArrayList<>();
    java.util.List<Double> cur = new java.util.ArrayList<>();
    String[] tok = spec.trim().isEmpty() ? new String[0] : spec.trim().split("\\s+");
    for (int i = 0; i < tok.length; i += 2) {
      String[] n = tok[i + 1].split(",");
      double[] v = new double[n.length];
      for (int k = 0; k < n.length; k++) v[k] = Double.parseDouble(n[k]);
      switch (tok[i]) {
        case "M" -> { flush(strokes, cur); cur.add(v[0]); cur.add(v[1]); }
        case "L" -> { cur.add(v[0]); cur.add(v[1]); }
        case "A" -> {
          int segments = Math.max(4, (int) Math.ceil(Math.abs(v[5]) / 10));
          for (int s = 0; s <= segments; s++) {
            double a = Math.toRadians(v[4] + v[5] * s / segments);
            cur.add(v[0] + v[2] * Math.cos(a));
            cur.add(v[1] + v[3] * Math.sin(a));
          }
        }
        default -> throw new IllegalArgumentException("bad glyph command " + tok[i]);
      }
    }
    flush(strokes, cur);
    return strokes.toArray(double[][]::new);
  }

  private static void flush(java.util.List<double[]> strokes, java.util.List<Double> cur) {
    if (cur.size() >= 4) strokes.add(cur.stream().mapToDouble(Double::doubleValue).toArray());
    cur.clear();
  }
}
