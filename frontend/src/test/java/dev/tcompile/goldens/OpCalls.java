package dev.tcompile.goldens;

import com.google.gson.JsonObject;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.util.HashMap;
import java.util.Map;

/** The Java spelling of each op name in ops.json (the keys of OPS in tools/goldens/ops.py). */
final class OpCalls {
  private OpCalls() {}

  /** One op applied to the golden inputs; returns a Tensor or a Tensor[] (several outputs). */
  @FunctionalInterface
  interface Call {
    Object apply(Tensor[] x, JsonObject a);
  }

  private static final Map<String, Call> CALLS = new HashMap<>();

  static Call get(String op) {
    Call c = CALLS.get(op);
    if (c == null) throw new IllegalArgumentException("no Java call for golden op '" + op + "'");
    return c;
  }

  static void put(String op, Call c) { CALLS.put(op, c); }

  private static boolean isInt(JsonObject a) { return a.has("int") && a.get("int").getAsBoolean(); }
  private static double d(JsonObject a, String k) { return a.get(k).getAsDouble(); }
  private static long l(JsonObject a, String k) { return a.get(k).getAsLong(); }
  private static int i(JsonObject a, String k) { return a.get(k).getAsInt(); }
  private static boolean b(JsonObject a, String k) { return a.get(k).getAsBoolean(); }
  private static int[] ints(JsonObject a, String k) { return GoldenTensors.ints(a.getAsJsonArray(k)); }

  /** A Python scalar operand: {@code value} as an int (long overloads) or a float (double overloads). */
  @FunctionalInterface private interface ScalarOp { Tensor apply(Tensor x, long asInt, double asFloat, boolean isInt); }

  private static void scalar(String op, ScalarOp f) {
    put(op, (x, a) -> f.apply(x[0], isInt(a) ? l(a, "value") : 0, d(a, "value"), isInt(a)));
  }

  private static Tensor clamp(Tensor x, JsonObject a) {
    boolean hasMin = a.has("min") && !a.get("min").isJsonNull(), hasMax = a.has("max") && !a.get("max").isJsonNull();
    if (isInt(a)) return x.clamp(l(a, "min"), l(a, "max"));
    if (hasMin && hasMax) return x.clamp(d(a, "min"), d(a, "max"));
    return hasMin ? x.clampMin(d(a, "min")) : x.clampMax(d(a, "max"));
  }

  static {
    put("add", (x, a) -> x[0].add(x[1]));
    put("sub", (x, a) -> x[0].sub(x[1]));
    put("mul", (x, a) -> x[0].mul(x[1]));
    put("div", (x, a) -> x[0].div(x[1]));
    put("pow", (x, a) -> x[0].pow(x[1]));
    scalar("add_scalar", (x, n, v, isInt) -> isInt ? x.add(n) : x.add(v));
    scalar("sub_scalar", (x, n, v, isInt) -> isInt ? x.sub(n) : x.sub(v));
    scalar("mul_scalar", (x, n, v, isInt) -> isInt ? x.mul(n) : x.mul(v));
    scalar("div_scalar", (x, n, v, isInt) -> isInt ? x.div(n) : x.div(v));
    scalar("pow_scalar", (x, n, v, isInt) -> isInt ? x.pow(n) : x.pow(v));
    put("neg", (x, a) -> x[0].neg());
    put("abs", (x, a) -> x[0].abs());
    put("exp", (x, a) -> x[0].exp());
    put("log", (x, a) -> x[0].log());
    put("sqrt", (x, a) -> x[0].sqrt());
    put("rsqrt", (x, a) -> x[0].rsqrt());
    put("sin", (x, a) -> x[0].sin());
    put("cos", (x, a) -> x[0].cos());
    put("tanh", (x, a) -> x[0].tanh());
    put("sigmoid", (x, a) -> x[0].sigmoid());
    put("relu", (x, a) -> x[0].relu());
    put("square", (x, a) -> x[0].square());
    put("reciprocal", (x, a) -> x[0].reciprocal());
    put("clamp", (x, a) -> clamp(x[0], a));

    put("matmul", (x, a) -> x[0].matmul(x[1]));
    put("mm", (x, a) -> x[0].mm(x[1]));
    put("bmm", (x, a) -> x[0].bmm(x[1]));
    put("mv", (x, a) -> x[0].mv(x[1]));
    put("dot", (x, a) -> x[0].dot(x[1]));

    put("t", (x, a) -> x[0].t());
    put("transpose", (x, a) -> x[0].transpose(i(a, "dim0"), i(a, "dim1")));
    put("permute", (x, a) -> x[0].permute(ints(a, "dims")));
    put("reshape", (x, a) -> x[0].reshape(ints(a, "shape")));
    put("view", (x, a) -> x[0].view(ints(a, "shape")));
    put("flatten", (x, a) -> x[0].flatten());
    put("flatten_range", (x, a) -> x[0].flatten(i(a, "start"), i(a, "end")));
    put("expand", (x, a) -> x[0].expand(ints(a, "shape")));
    put("squeeze", (x, a) -> x[0].squeeze());
    put("squeeze_dim", (x, a) -> x[0].squeeze(i(a, "dim")));
    put("unsqueeze", (x, a) -> x[0].unsqueeze(i(a, "dim")));
    put("contiguous", (x, a) -> x[0].contiguous());
    put("narrow", (x, a) -> x[0].narrow(i(a, "dim"), i(a, "start"), i(a, "length")));
    put("select", (x, a) -> x[0].select(i(a, "dim"), i(a, "index")));
    put("index_select", (x, a) -> x[0].indexSelect(i(a, "dim"), x[1]));

    put("sum", (x, a) -> x[0].sum());
    put("sum_dim", (x, a) -> x[0].sum(i(a, "dim"), b(a, "keepdim")));
    put("sum_dims", (x, a) -> x[0].sum(ints(a, "dims"), b(a, "keepdim")));
    put("mean", (x, a) -> x[0].mean());
    put("mean_dim", (x, a) -> x[0].mean(i(a, "dim"), b(a, "keepdim")));
    put("mean_dims", (x, a) -> x[0].mean(ints(a, "dims"), b(a, "keepdim")));
    put("max", (x, a) -> x[0].max());
    put("min", (x, a) -> x[0].min());
    put("max_dim", (x, a) -> pair(x[0].max(i(a, "dim"), b(a, "keepdim"))));
    put("min_dim", (x, a) -> pair(x[0].min(i(a, "dim"), b(a, "keepdim"))));
    put("argmax", (x, a) -> x[0].argmax());
    put("argmax_dim", (x, a) -> x[0].argmax(i(a, "dim"), b(a, "keepdim")));
    put("norm", (x, a) -> x[0].norm());
    put("norm_p", (x, a) -> x[0].norm(d(a, "p")));
    put("var", (x, a) -> x[0].var());
    put("var_dim", (x, a) -> x[0].var(i(a, "dim"), b(a, "unbiased"), b(a, "keepdim")));
    put("std", (x, a) -> x[0].std());
    put("std_dim", (x, a) -> x[0].std(i(a, "dim"), b(a, "unbiased"), b(a, "keepdim")));
    put("softmax", (x, a) -> x[0].softmax(i(a, "dim")));
    put("log_softmax", (x, a) -> x[0].logSoftmax(i(a, "dim")));

    put("eq", (x, a) -> x[0].eq(x[1]));
    put("ne", (x, a) -> x[0].ne(x[1]));
    put("gt", (x, a) -> x[0].gt(x[1]));
    put("ge", (x, a) -> x[0].ge(x[1]));
    put("lt", (x, a) -> x[0].lt(x[1]));
    put("le", (x, a) -> x[0].le(x[1]));
    scalar("eq_scalar", (x, n, v, isInt) -> isInt ? x.eq(n) : x.eq(v));
    scalar("ne_scalar", (x, n, v, isInt) -> isInt ? x.ne(n) : x.ne(v));
    scalar("gt_scalar", (x, n, v, isInt) -> isInt ? x.gt(n) : x.gt(v));
    scalar("ge_scalar", (x, n, v, isInt) -> isInt ? x.ge(n) : x.ge(v));
    scalar("lt_scalar", (x, n, v, isInt) -> isInt ? x.lt(n) : x.lt(v));
    scalar("le_scalar", (x, n, v, isInt) -> isInt ? x.le(n) : x.le(v));
    put("all", (x, a) -> x[0].all());
    put("any", (x, a) -> x[0].any());

    put("cat", (x, a) -> Torch.cat(i(a, "dim"), x));
    put("stack", (x, a) -> Torch.stack(i(a, "dim"), x));
    put("where", (x, a) -> Torch.where(x[0], x[1], x[2]));
    put("where_scalar", (x, a) -> isInt(a) ? Torch.where(x[0], x[1], l(a, "value")) : Torch.where(x[0], x[1], d(a, "value")));

    put("add_", (x, a) -> x[0].clone().add_(x[1]));
    put("sub_", (x, a) -> x[0].clone().sub_(x[1]));
    put("mul_", (x, a) -> x[0].clone().mul_(x[1]));
    put("div_", (x, a) -> x[0].clone().div_(x[1]));
    scalar("add_scalar_", (x, n, v, isInt) -> isInt ? x.clone().add_(n) : x.clone().add_(v));
    scalar("mul_scalar_", (x, n, v, isInt) -> isInt ? x.clone().mul_(n) : x.clone().mul_(v));
    put("zero_", (x, a) -> x[0].clone().zero_());
    put("fill_", (x, a) -> x[0].clone().fill_(d(a, "value")));
    put("copy_", (x, a) -> x[0].clone().copy_(x[1]));
    put("clamp_", (x, a) -> x[0].clone().clamp_(d(a, "min"), d(a, "max")));
  }

  static {
    put("chunk", (x, a) -> arr(x[0].chunk(i(a, "chunks"), i(a, "dim"))));
    put("split", (x, a) -> arr(x[0].split(i(a, "size"), i(a, "dim"))));
    put("split_sizes", (x, a) -> arr(x[0].split(ints(a, "sizes"), i(a, "dim"))));
    put("unbind", (x, a) -> arr(x[0].unbind(i(a, "dim"))));
    put("tensor_split", (x, a) -> arr(x[0].tensorSplit(i(a, "sections"), i(a, "dim"))));
    put("tensor_split_indices", (x, a) -> arr(x[0].tensorSplit(ints(a, "indices"), i(a, "dim"))));
    put("view_as", (x, a) -> x[0].viewAs(x[1]));
    put("add_alpha", (x, a) -> x[0].add(x[1], d(a, "alpha")));
    put("sub_alpha", (x, a) -> x[0].sub(x[1], d(a, "alpha")));
    put("add_alpha_", (x, a) -> x[0].clone().add_(x[1], d(a, "alpha")));
    put("sub_alpha_", (x, a) -> x[0].clone().sub_(x[1], d(a, "alpha")));
    put("rsub", (x, a) -> x[0].rsub(x[1]));
    put("rsub_scalar", (x, a) -> x[0].rsub(d(a, "value")));
    put("addcmul", (x, a) -> x[0].addcmul(x[1], x[2], d(a, "value")));
    put("addcdiv", (x, a) -> x[0].addcdiv(x[1], x[2], d(a, "value")));
    put("addcmul_", (x, a) -> x[0].clone().addcmul_(x[1], x[2], d(a, "value")));
    put("addcdiv_", (x, a) -> x[0].clone().addcdiv_(x[1], x[2], d(a, "value")));
    put("neg_", (x, a) -> x[0].clone().neg_());
    put("abs_", (x, a) -> x[0].clone().abs_());
    put("exp_", (x, a) -> x[0].clone().exp_());
    put("log_", (x, a) -> x[0].clone().log_());
    put("log1p_", (x, a) -> x[0].clone().log1p_());
    put("expm1_", (x, a) -> x[0].clone().expm1_());
    put("sqrt_", (x, a) -> x[0].clone().sqrt_());
    put("rsqrt_", (x, a) -> x[0].clone().rsqrt_());
    put("sin_", (x, a) -> x[0].clone().sin_());
    put("cos_", (x, a) -> x[0].clone().cos_());
    put("tanh_", (x, a) -> x[0].clone().tanh_());
    put("sigmoid_", (x, a) -> x[0].clone().sigmoid_());
    put("erf_", (x, a) -> x[0].clone().erf_());
    put("reciprocal_", (x, a) -> x[0].clone().reciprocal_());
    put("sign_", (x, a) -> x[0].clone().sign_());
    put("floor_", (x, a) -> x[0].clone().floor_());
    put("ceil_", (x, a) -> x[0].clone().ceil_());
    put("round_", (x, a) -> x[0].clone().round_());
    put("square_", (x, a) -> x[0].clone().square_());
    put("relu_", (x, a) -> x[0].clone().relu_());
  }

  static {
    put("index", (x, a) -> x[0].index(spec(x, a)));
    put("index_put", (x, a) -> {
      Tensor c = x[0].clone();
      return a.has("value") && !a.get("value").isJsonNull() ? c.indexPut_(spec(x, a), d(a, "value")) : c.indexPut_(spec(x, a), x[1]);
    });
    put("index_put_accumulate", (x, a) -> x[0].clone().indexPut_(java.util.Arrays.copyOfRange(x, 2, x.length), x[1], true));
  }

  /** The Idx entries of an ops_ports.py subscript spec. */
  private static dev.tcompile.Idx[] spec(Tensor[] x, JsonObject a) {
    var entries = a.getAsJsonArray("spec");
    dev.tcompile.Idx[] out = new dev.tcompile.Idx[entries.size()];
    for (int k = 0; k < out.length; k++) {
      JsonObject e = entries.get(k).getAsJsonObject();
      out[k] = switch (e.get("k").getAsString()) {
        case "int" -> dev.tcompile.Idx.at(l(e, "v"));
        case "slice" -> dev.tcompile.Idx.slice(opt(e, "start"), opt(e, "stop"), opt(e, "step"));
        case "none" -> dev.tcompile.Idx.none();
        case "ellipsis" -> dev.tcompile.Idx.ellipsis();
        case "tensor" -> dev.tcompile.Idx.tensor(x[i(e, "input")]);
        case "list" -> {
          long[] v = e.getAsJsonArray("v").asList().stream().mapToLong(j -> j.getAsLong()).toArray();
          yield dev.tcompile.Idx.of(v);
        }
        default -> throw new IllegalArgumentException(e.toString());
      };
    }
    return out;
  }

  private static Integer opt(JsonObject e, String k) { return e.has(k) && !e.get(k).isJsonNull() ? e.get(k).getAsInt() : null; }

  private static Tensor[] arr(java.util.List<Tensor> ts) { return ts.toArray(Tensor[]::new); }

  private static Tensor[] pair(Tensor.ValuesIndices r) { return new Tensor[]{r.values(), r.indices()}; }
}
