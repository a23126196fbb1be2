"""Dynamic int8 quantisation of a graph's products with weights (MatMul by an initializer): weights in int8 with a
scale per output column, computed once here, and activations quantised as the graph runs into uint8, with a scale
and a zero point per row where a product's rows are many audio positions (CTranslate2 scales every row of
faster-whisper's int8 products).

onnxruntime's quantiser takes one scale and zero point for all of a product's activations. In the encoder those are
1500 positions whose magnitudes differ widely, so the quiet ones kept few levels: along float32's greedy decoding of
the benchmark's speech corpus and the it/es/pl clips, whisper base's int8 next-token distributions were 0.072 nats
(KL) from float32's and picked another token at 8.5% of the steps; with a scale and zero point per position in the
encoder and the cross-attention products, 0.012 and 3.3% (tiny.en: 0.012 -> 0.009, 3.5% -> 2.3%;
models/tools/int8_fidelity.py). Each row spans its own values (and zero): a row symmetric around zero (a scale
alone) wastes half its levels on one-sided rows such as the GELU's outputs, and took tiny.en's transcript of that
corpus from 7.7% of float32's words changed to 18.2% (8.0% as here).
A decoding step's products keep one scale for all rows, as onnxruntime's quantiser does: their rows are one token per
beam, alike, and one scale lets onnxruntime fuse the quantisation into the product (a scale per row there cost a base
step 10-15%).
Weights take 8 bits (as CTranslate2's) where the machines that run the graphs sum int8 products in 32 bits, 7 bits
elsewhere (WEIGHT_LEVELS): 8 bits took base's next-token distributions from 0.012 to 0.006 nats of float32's (tiny.en:
0.009 -> 0.003) and kept base with 5 beams out of a repetition loop in the benchmark's long file.
"""
from typing import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Weights in [-64, 64] by default: on x86-64 without VNNI (AVX2 only: older AMD EPYC and Xeon) ONNX Runtime multiplies
# uint8 activations by int8 weights in pairs summed to 16 bits, which saturate beyond 2 * 255 * 64; base, converted
# with 8-bit weights, heard "ask what" as "as what" there, and nothing at all in the Spanish clip. With VNNI (and on
# ARM64) the pairs sum in 32 bits, and [-127, 127] is safe.
WEIGHT_LEVELS = 64
WIDE_SUMS_WEIGHT_LEVELS = 127
# Set on each graph whose weights take 8 bits, for the loader to warn where they would saturate.
WIDE_SUMS_METADATA = "sensorium.int8_sums_in_32_bits"


def quantize(model: onnx.ModelProto, by_rows: Callable[[str], bool], wide_sums: bool = False) -> onnx.ModelProto:
    """Replaces each MatMul of an activation by a 2-D initializer with its int8 product.
    by_rows(name): whether activation `name` gets a scale and zero point per row (per position) rather than one
    for the tensor.
    wide_sums: the machines that run the graph sum int8 products in 32 bits, so the weights take 8 bits."""
    levels = WIDE_SUMS_WEIGHT_LEVELS if wide_sums else WEIGHT_LEVELS
    graph = model.graph
    weights = {t.name: t for t in graph.initializer if len(t.dims) == 2}
    uses = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    q = _Builder()
    quantized, replaced = {}, set()
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in weights:
            q.nodes.append(node)
            continue
        w = numpy_helper.to_array(weights[node.input[1]]).astype(np.float32)
        if uses[node.input[1]] == 1:
            replaced.add(node.input[1])
        scale = np.maximum(np.abs(w).max(axis=0), np.finfo(np.float32).tiny) / levels
        w_levels = np.clip(np.round(w / scale), -levels, levels)
        w_int8 = q.const(node.input[1] + ".int8", w_levels.astype(np.int8))
        w_scale = q.const(node.input[1] + ".scale", scale.astype(np.float32))
        x = node.input[0]
        rows = by_rows(x)
        if x not in quantized:
            quantized[x] = q.rows(x, w.shape[0]) if rows else q.tensor(x)
        if rows:
            # sum_k (x_uint8 - zero point) * w_int8 * w_scale, times the row's scale: the zero points' share is
            # the row's zero point times each column's sum, taken off after the product.
            x_uint8, x_scale, x_zero_point, lead = quantized[x]
            product = q.op("MatMulIntegerToFloat", [x_uint8, w_int8, q.const("one", np.array(1, np.float32)), w_scale],
                           domain="com.microsoft")
            column_sums = q.const(node.input[1] + ".column_sums", (w_levels.sum(axis=0) * scale).astype(np.float32))
            centred = q.op("Sub", [product, q.op("Mul", [x_zero_point, column_sums])])
            shape = q.op("Concat", [lead, q.const(f"columns_{w.shape[1]}", np.array([w.shape[1]], np.int64))], axis=0)
            q.op("Reshape", [q.op("Mul", [centred, x_scale]), shape], output=node.output[0])
        else:
            # In standard operators, which ONNX Runtime fuses into one (with the bias that follows) at load.
            x_uint8, x_scale, x_zero_point = quantized[x]
            product = q.op("Cast", [q.op("MatMulInteger", [x_uint8, w_int8, x_zero_point])], to=TensorProto.FLOAT)
            q.op("Mul", [product, q.op("Mul", [x_scale, w_scale])], output=node.output[0])
    kept = [t for t in graph.initializer if t.name not in replaced]
    del graph.initializer[:]
    graph.initializer.extend(kept + list(q.initializers.values()))
    del graph.node[:]
    graph.node.extend(q.nodes)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    if wide_sums:
        helper.set_model_props(model, {**{p.key: p.value for p in model.metadata_props}, WIDE_SUMS_METADATA: "true"})
    return model


class _Builder:
    def __init__(self):
        self.nodes, self.initializers, self.names = [], {}, 0

    def op(self, op_type, inputs, output=None, outputs=1, domain=None, **attrs):
        self.names += 1
        outs = [output] if output else [f"int8/{op_type}_{self.names}_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=f"int8/{op_type}_{self.names}", domain=domain,
                                           **attrs))
        return outs[0] if outputs == 1 else outs

    def const(self, name, array):
        name = "int8/" + name
        if name not in self.initializers:
            self.initializers[name] = numpy_helper.from_array(array, name)
        return name

    def rows(self, x, width):
        """x as [rows, width] uint8 with a scale and a zero point per row, spanning the row's values and zero; the
        scales and the zero points (as floats) as [rows, 1]; and x's shape without its last axis."""
        flat = self.op("Reshape", [x, self.const(f"rows_of_{width}", np.array([-1, width], np.int64))])
        # The span takes in zero, which must stay exact (a row all above zero would otherwise saturate).
        zero = self.const("float_zero", np.array(0, np.float32))
        least = self.op("Min", [self.op("ReduceMin", [flat], axes=[1], keepdims=0), zero])
        span = self.op("Sub", [self.op("Max", [self.op("ReduceMax", [flat], axes=[1], keepdims=0), zero]), least])
        scale = self.op("Div", [self.op("Max", [span, self.const("tiny", np.array(np.finfo(np.float32).tiny,
                                                                                  np.float32))]),
                                self.const("levels", np.array(255, np.float32))])
        zero_point = self.op("Clip", [self.op("Round", [self.op("Div", [self.op("Neg", [least]), scale])]),
                                      zero,
                                      self.const("uint8_largest", np.array(255, np.float32))])
        x_uint8 = self.op("QuantizeLinear", [flat, scale, self.op("Cast", [zero_point], to=TensorProto.UINT8)],
                          axis=0)
        lead = self.op("Slice", [self.op("Shape", [x]), self.const("zero", np.array([0], np.int64)),
                                 self.const("last", np.array([-1], np.int64))])
        column = self.const("axis_1", np.array([1], np.int64))
        return (x_uint8, self.op("Unsqueeze", [scale, column]), self.op("Unsqueeze", [zero_point, column]), lead)

    def tensor(self, x):
        """x as uint8 with one scale and zero point for the whole tensor."""
        return self.op("DynamicQuantizeLinear", [x], outputs=3)
