package dev.tcompile.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.tcompile.Autograd;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each misuse of goldens/ops.json "errors" fails with a {@link TorchException} whose message is PyTorch's,
 * word for word. PyTorch raises RuntimeError, IndexError or ValueError; Java has the one exception type.
 * Messages that name Python things ({@code torch.Size([2])}, {@code retain_graph=True}, "Python scalars")
 * are kept as PyTorch words them: they are what a PyTorch user searches for.
 */
class ErrorsGoldenTest {
  private static final Map<String, Runnable> MISUSES = new HashMap<>();

  private static Tensor x(int... shape) { return Torch.ones(shape); }
  private static Tensor leaf(int... shape) { return Torch.ones(shape).requiresGrad_(true); }
  private static Tensor longs(int... shape) { return Torch.ones(DType.INT64, shape); }
  private static Tensor bools(int... shape) { return Torch.ones(DType.BOOL, shape); }
  private static void misuse(String name, Runnable r) { MISUSES.put(name, r); }

  static {
    Tensor i = Torch.tensor(1L, 2L, 3L), b = Torch.tensor(true, false);
    misuse("broadcast_add", () -> x(2, 3).add(x(4)));
    misuse("broadcast_mul_3d", () -> x(2, 3, 4).mul(x(3, 1, 5)));
    misuse("broadcast_where", () -> Torch.where(bools(2), x(3), x(2)));
    misuse("matmul_2d", () -> x(2, 3).matmul(x(4, 5)));
    misuse("matmul_1d_2d", () -> x(3).matmul(x(4, 5)));
    misuse("matmul_2d_1d", () -> x(2, 3).matmul(x(4)));
    misuse("matmul_1d_1d", () -> x(3).matmul(x(4)));
    misuse("matmul_0d", () -> Torch.scalar(1).matmul(x(3)));
    misuse("matmul_batched", () -> x(2, 3, 4).matmul(x(2, 5, 6)));
    misuse("matmul_batch_bcast", () -> x(2, 3, 4).matmul(x(3, 4, 5)));
    misuse("mm_shapes", () -> x(2, 3).mm(x(4, 5)));
    misuse("mm_1d", () -> x(3).mm(x(3, 2)));
    misuse("mm_1d_second", () -> x(2, 3).mm(x(3)));
    misuse("bmm_batches", () -> x(2, 3, 4).bmm(x(3, 4, 5)));
    misuse("bmm_inner", () -> x(2, 3, 4).bmm(x(2, 5, 6)));
    misuse("bmm_2d", () -> x(3, 4).bmm(x(2, 4, 5)));
    misuse("mv_shapes", () -> x(2, 3).mv(x(4)));
    misuse("mv_dims", () -> x(3).mv(x(3)));
    misuse("dot_sizes", () -> x(3).dot(x(4)));
    misuse("dot_dims", () -> x(2, 2).dot(x(4)));
    misuse("mm_float_bool", () -> x(1, 2).mm(bools(2, 1)));
    misuse("mm_float_int64", () -> x(2, 3).mm(longs(3, 2)));
    misuse("mm_int64_float", () -> longs(2, 3).mm(x(3, 2)));
    misuse("mm_bool_bool", () -> bools(2, 2).mm(bools(2, 2)));
    misuse("bmm_int64_float", () -> longs(1, 2, 3).bmm(x(1, 3, 2)));
    misuse("bmm_bool_bool", () -> bools(1, 2, 2).bmm(bools(1, 2, 2)));
    misuse("mv_int64_float", () -> longs(2, 3).mv(x(3)));
    misuse("mv_bool_bool", () -> bools(2, 2).mv(bools(2)));
    misuse("dot_int64_float", () -> longs(3).dot(x(3)));
    misuse("dot_bool_bool", () -> bools(2).dot(bools(2)));
    misuse("matmul_3d_int64_float", () -> longs(2, 2, 3).matmul(x(3, 2)));
    misuse("view_not_viewable", () -> x(3, 4).t().view(12));
    misuse("view_size_invalid", () -> x(2, 3).view(5));
    misuse("view_two_inferred", () -> x(2, 3).view(-1, -1));
    misuse("view_infer_invalid", () -> x(2, 3).view(-1, 4));
    misuse("reshape_invalid", () -> x(2, 3).reshape(4, 2));
    misuse("requires_grad_int64", () -> i.requiresGrad_(true));
    misuse("requires_grad_bool", () -> b.requiresGrad_(true));
    misuse("mean_int64", i::mean);
    misuse("mean_bool", b::mean);
    misuse("sub_bool", () -> b.sub(b));
    misuse("sub_bool_float", () -> b.sub(x(2)));
    misuse("sub_float_bool", () -> x(2).sub(b));
    misuse("sub_bool_scalar", () -> b.sub(1L));
    misuse("neg_bool", b::neg);
    misuse("abs_bool", b::abs);
    misuse("relu_bool", b::relu);
    misuse("pow_int_negative", () -> i.pow(-1L));
    misuse("pow_bool_bool", () -> b.pow(b));
    misuse("norm_int64", () -> i.norm());
    misuse("var_int64", () -> i.var());
    misuse("std_int64", () -> i.std());
    misuse("softmax_int64", () -> i.softmax(0));
    misuse("log_softmax_int64", () -> i.logSoftmax(0));
    misuse("argmax_bool", () -> b.argmax());
    misuse("in_place_float_into_int64", () -> i.clone().add_(1.5));
    misuse("in_place_float_tensor_into_int64", () -> i.clone().mul_(x(3)));
    misuse("in_place_int_into_bool", () -> b.clone().add_(i.narrow(0, 0, 2)));
    misuse("in_place_broadcast_shape", () -> x(3).add_(x(2, 3)));
    misuse("where_cond_float", () -> Torch.where(x(3), x(3), x(3)));
    misuse("sum_dim_out_of_range", () -> x(2, 3).sum(5, false));
    misuse("sum_dim_negative_out_of_range", () -> x(2, 3).sum(-3, false));
    misuse("sum_dims_repeated", () -> x(2, 3).sum(new int[]{1, 1}, false));
    misuse("mean_dim_out_of_range", () -> x(2, 3).mean(2, false));
    misuse("softmax_dim_out_of_range", () -> x(2, 3).softmax(2));
    misuse("max_dim_out_of_range", () -> x(2, 3).max(3));
    misuse("select_index_out_of_range", () -> x(2, 3).select(0, 5));
    misuse("select_negative_index_out_of_range", () -> x(2, 3).select(1, -4));
    misuse("select_dim_out_of_range", () -> x(2, 3).select(2, 0));
    misuse("select_0d", () -> Torch.scalar(1).select(0, 0));
    misuse("narrow_start_out_of_range", () -> x(2, 3).narrow(1, 4, 1));
    misuse("narrow_length_too_long", () -> x(2, 3).narrow(1, 1, 3));
    misuse("narrow_negative_length", () -> x(2, 3).narrow(1, 1, -1));
    misuse("narrow_dim_out_of_range", () -> x(2, 3).narrow(2, 0, 1));
    misuse("narrow_0d", () -> Torch.scalar(1).narrow(0, 0, 1));
    misuse("index_select_out_of_range", () -> x(3, 2).indexSelect(0, Torch.tensor(0L, 3L)));
    misuse("index_select_negative", () -> x(3, 2).indexSelect(0, Torch.tensor(-1L)));
    misuse("index_select_float_index", () -> x(3, 2).indexSelect(0, Torch.tensor(0f)));
    misuse("index_select_2d_index", () -> x(3, 2).indexSelect(0, Torch.fromArray(new long[]{0}, 1, 1)));
    misuse("index_select_dim_out_of_range", () -> x(3, 2).indexSelect(2, Torch.tensor(0L)));
    misuse("transpose_dim_out_of_range", () -> x(2, 3).transpose(0, 2));
    misuse("transpose_negative_out_of_range", () -> x(2, 3).transpose(-3, 0));
    misuse("t_3d", () -> x(2, 3, 4).t());
    misuse("permute_wrong_length", () -> x(2, 3).permute(0));
    misuse("permute_repeated", () -> x(2, 3).permute(0, 0));
    misuse("squeeze_dim_out_of_range", () -> x(2, 1).squeeze(2));
    misuse("unsqueeze_dim_out_of_range", () -> x(2, 3).unsqueeze(3));
    misuse("unsqueeze_negative_out_of_range", () -> x(2, 3).unsqueeze(-4));
    misuse("flatten_start_after_end", () -> x(2, 3, 4).flatten(2, 1));
    misuse("expand_smaller", () -> x(2, 3).expand(3));
    misuse("expand_mismatch", () -> x(2, 3).expand(4, 3));
    misuse("cat_sizes", () -> Torch.cat(0, x(2, 3), x(2, 4)));
    misuse("cat_dims", () -> Torch.cat(0, x(2, 3), x(3)));
    misuse("cat_zero_dim", () -> Torch.cat(0, Torch.scalar(1), Torch.scalar(2)));
    misuse("cat_dim_out_of_range", () -> Torch.cat(2, x(2, 3), x(2, 3)));
    misuse("stack_sizes", () -> Torch.stack(0, x(2, 3), x(3, 2)));
    misuse("stack_dim_out_of_range", () -> Torch.stack(3, x(2), x(2)));
    misuse("in_place_on_expanded", () -> Torch.zeros(1, 3).expand(2, 3).add_(1L));
    misuse("copy_into_expanded", () -> Torch.zeros(1, 3).expand(2, 3).copy_(Torch.ones(2, 3)));
    misuse("max_empty", () -> Torch.zeros(0).max());
    misuse("argmax_empty", () -> Torch.zeros(0).argmax());
    misuse("max_dim_empty", () -> Torch.zeros(2, 0).max(1));
    misuse("stack_empty", () -> Torch.stack(0));
    misuse("cat_empty", () -> Torch.cat(0));
    misuse("softmax_0d_dim_out_of_range", () -> Torch.scalar(1).softmax(1));
    misuse("squeeze_0d_dim_out_of_range", () -> Torch.scalar(1).squeeze(1));
    misuse("sum_0d_dim_out_of_range", () -> Torch.scalar(1).sum(1, false));
    misuse("view_negative_size", () -> Torch.zeros(6).view(-2, 3));
    misuse("expand_minus_one_leading", () -> Torch.zeros(3).expand(-1, 3));
    misuse("expand_size_mismatch", () -> Torch.zeros(3).expand(2));
    misuse("div_in_place_int64", () -> Torch.tensor(1L, 2L).div_(2L));
    misuse("mean_dim_int64", () -> Torch.fromArray(new long[]{1, 2}, 1, 2).mean(0, false));
    misuse("where_cond_int64", () -> Torch.where(Torch.tensor(1L, 0L), Torch.zeros(2), Torch.ones(2)));
    misuse("select_empty_dim", () -> Torch.zeros(0, 3).select(0, 0));
    misuse("detach_in_place_view", () -> leaf(2, 3).mul(1L).select(0, 0).detach_());
    misuse("item_multi_element", () -> x(3).item());
    misuse("item_empty", () -> x(0).item());
    misuse("backward_non_scalar", () -> leaf(3).mul(2.0).backward());
    misuse("backward_no_grad", () -> x(3).sum().backward());
    misuse("backward_gradient_shape", () -> leaf(3).mul(2.0).backward(Torch.ones(2)));
    misuse("backward_twice", () -> {
      Tensor y = leaf(3).mul(leaf(3)).sum();
      y.backward();
      y.backward();
    });
    misuse("backward_twice_exp", () -> {
      Tensor y = leaf(3).exp().sum();
      y.backward();
      y.backward();
    });
    misuse("autograd_grad_twice", () -> {
      Tensor a = leaf(3);
      Tensor y = a.mul(a).sum();
      Autograd.grad(new Tensor[]{y}, new Tensor[]{a}, null, false, false);
      Autograd.grad(new Tensor[]{y}, new Tensor[]{a}, null, false, false);
    });
    misuse("inplace_saved_output", () -> {
      Tensor y = leaf(3).exp();
      y.add_(1L);
      y.sum().backward();
    });
    misuse("inplace_saved_input_non_leaf", () -> {
      Tensor a = leaf(3).mul(2L);
      Tensor c = a.mul(a);
      a.add_(3L);
      c.sum().backward();
    });
    misuse("inplace_saved_output_twice", () -> {
      Tensor y = leaf(2, 2).tanh();
      y.mul_(2L);
      y.sub_(1L);
      y.sum().backward();
    });
    misuse("inplace_saved_leaf", () -> {
      Tensor a = leaf(3), w = leaf(3);
      Tensor y = a.mul(w).sum();
      try (var g = Torch.noGrad()) {
        a.add_(1L);
      }
      y.backward();
    });
    misuse("inplace_saved_output_through_view", () -> {
      Tensor y = leaf(2, 3).exp();
      y.select(0, 0).mul_(2L);
      y.sum().backward();
    });
    misuse("inplace_saved_output_through_detach", () -> {
      Tensor y = leaf(3).sigmoid();
      y.detach().zero_();
      y.sum().backward();
    });
    misuse("leaf_in_place", () -> leaf(3).add_(1L));
    misuse("leaf_in_place_view", () -> leaf(2, 3).select(0, 1).mul_(2L));
    misuse("leaf_zero_", () -> leaf(3).zero_());
    misuse("requires_grad_false_non_leaf", () -> leaf(3).mul(2L).requiresGrad_(false));
    misuse("retain_grad_no_grad", () -> x(3).retainGrad());
    misuse("autograd_grad_unused", () -> {
      Tensor a = leaf(3), c = leaf(3);
      Autograd.grad(new Tensor[]{a.mul(2L).sum()}, new Tensor[]{a, c}, null, false, false);
    });
    misuse("autograd_grad_input_no_grad", () -> {
      Tensor a = leaf(3);
      Autograd.grad(new Tensor[]{a.mul(2L).sum()}, new Tensor[]{x(3)}, null, false, false);
    });
    misuse("autograd_grad_output_no_grad", () -> Autograd.grad(new Tensor[]{x(3).sum()}, new Tensor[]{leaf(3)}, null, false, false));
  }

  @TestFactory
  Stream<DynamicTest> misusesFailWithPyTorchsMessage() {
    return GoldenFile.section("errors").stream().map(e -> DynamicTest.dynamicTest(e.get("name").getAsString(), () -> check(e)));
  }

  private static void check(JsonObject e) {
    String name = e.get("name").getAsString();
    Runnable misuse = MISUSES.get(name);
    if (misuse == null) throw new AssertionError("no Java misuse for golden error '" + name + "'");
    TorchException thrown = assertThrows(TorchException.class, misuse::run, name);
    assertEquals(e.get("message").getAsString(), thrown.getMessage(), name);
  }

  @Test
  void everyJavaMisuseHasAGolden() {
    Set<String> golden = new HashSet<>();
    for (JsonObject e : GoldenFile.section("errors")) golden.add(e.get("name").getAsString());
    for (String name : MISUSES.keySet()) assertTrue(golden.contains(name), name + " has no PyTorch message in ops.json");
    assertTrue(golden.size() >= 100);
  }
}
