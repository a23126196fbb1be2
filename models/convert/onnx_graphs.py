"""Builds Whisper's encoder and decoder ONNX graphs from numpy weights with onnx.helper, with the inputs and
outputs of optimum's exports (the Hugging Face ONNX layout): the encoder; the decoder's first step (no cache) and
its cached step; and Sensorium's own pair: the cross-attention keys and values, and one decoder step for every step
(the first with no past). Pre-LN transformer layers, exact (erf) GELU, LayerNormalization eps 1e-5, the query scaled by
head_dim^-0.5 before the product as transformers does, logits from the tied token embedding."""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
NEG = float(np.finfo(np.float32).min)
# Tells the runtime that the encoder takes any even number of frames up to 3000, not only 3000.
SHORT_INPUT_PROPERTY = "sensorium.encoder.short-input"
# The first-step (and step) decoder's input: the first of its input positions whose logits it gives (0: all).
LOGITS_FROM = "logits_from"


class Graph:
    def __init__(self, weights: dict):
        self.weights = weights
        self.nodes, self.initializers, self.names = [], {}, 0

    def name(self, hint):
        self.names += 1
        return f"{hint}_{self.names}"

    def op(self, op_type, inputs, hint=None, outputs=1, **attrs):
        outs = [self.name(hint or op_type) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=self.name(op_type), **attrs))
        return outs[0] if outputs == 1 else outs

    def const(self, name, array):
        if name not in self.initializers:
            self.initializers[name] = numpy_helper.from_array(np.ascontiguousarray(array), name)
        return name

    def w(self, name, transpose=False):
        key = name + (".T" if transpose else "")
        return self.const(key, self.weights[name].T if transpose else self.weights[name])

    def half_rows(self, name, indices):
        """The rows of weight `name` at `indices`, from a copy stored in float16: half the float table's memory, and
        as exact as the model needs (int8 with a scale per row cost whisper base two words in 308 on the benchmark
        set)."""
        table = self.const(name + ".float16", self.weights[name].astype(np.float16))
        return self.op("Cast", [self.op("Gather", [table, indices], axis=0)], to=TensorProto.FLOAT)

    def ints(self, *values):
        return self.const("ints_" + "_".join(str(v) for v in values), np.array(values, np.int64))

    def scalar(self, value):
        return self.const(f"float_{value!r}", np.array(value, np.float32))

    def linear(self, x, prefix, bias=True):
        y = self.op("MatMul", [x, self.w(f"{prefix}.weight", transpose=True)])
        return self.op("Add", [y, self.w(f"{prefix}.bias")]) if bias else y

    def layer_norm(self, x, prefix):
        return self.op("LayerNormalization", [x, self.w(f"{prefix}.weight"), self.w(f"{prefix}.bias")], axis=-1,
                       epsilon=1e-5)

    def gelu(self, x):
        erf = self.op("Erf", [self.op("Div", [x, self.scalar(float(np.sqrt(2.0)))])])
        return self.op("Mul", [self.op("Mul", [x, self.scalar(0.5)]), self.op("Add", [erf, self.scalar(1.0)])])

    def heads(self, x, h, hd):
        return self.op("Transpose", [self.op("Reshape", [x, self.ints(0, -1, h, hd)])], perm=[0, 2, 1, 3])

    def attention(self, q, k, v, h, hd, mask=None):
        """q, k, v: [batch, heads, len, head_dim]; returns [batch, len, heads * head_dim]."""
        return self.attention_with_weights(q, k, v, h, hd, mask)[0]

    def attention_by_head(self, q, k, v, h, hd):
        """As attention(), one head after another: the encoder's scores over its 1500 positions are 1500 x 1500 floats a
        head (9 MB), which ONNX Runtime would hold for all heads at once, and their softmax beside them (tiny.en: 108
        MB, base 144 MB for each window of a batch); a head at a time, the runtime reuses one head's buffers for the
        next. The same products, the same result."""
        split = self.ints(*([1] * h))
        qs, ks, vs = (self.op("Split", [x, split], axis=1, outputs=h) for x in (q, k, v))
        out = self.op("Concat", [self.attention_with_weights(qs[i], ks[i], vs[i], 1, hd, heads_out=True)[0]
                                 for i in range(h)], axis=1)
        return self.op("Reshape", [self.op("Transpose", [out], perm=[0, 2, 1, 3]), self.ints(0, -1, h * hd)])

    def attention_with_weights(self, q, k, v, h, hd, mask=None, heads_out=False):
        """As attention(), and the attention probabilities [batch, heads, len, keys]; heads_out: the output as
        [batch, heads, len, head_dim]."""
        scores = self.op("MatMul", [q, self.op("Transpose", [k], perm=[0, 1, 3, 2])])
        if mask is not None:
            scores = self.op("Add", [scores, mask])
        weights = self.op("Softmax", [scores], axis=-1)
        out = self.op("MatMul", [weights, v])
        if heads_out:
            return out, weights
        return self.op("Reshape", [self.op("Transpose", [out], perm=[0, 2, 1, 3]), self.ints(0, -1, h * hd)]), weights

    def attention_by_window(self, q, k, v, h, hd, rows, with_weights):
        """As attention_with_weights() (the output as [batch, len, heads * head_dim]) where k and v hold each window's
        keys and values once for several rows of q, window after window (its beams or samples: the runtime stores a
        window's once for all of them). Broadcast, the product is one matrix-vector product per row and head, each
        reading the window's keys and values again (tiny.en: 4.6 MB a layer); here a window's rows' queries are one
        matrix [rows x len, head_dim] for each head, multiplied once: the same products and sums, batched another
        way (tiny.en float32, a step of 5 rows: 5.5-5.9 -> 5.0-5.4 ms). rows: row_layout()'s shapes; with_weights:
        also the attention probabilities [batch, heads, len, keys], else None."""
        q = self.op("Reshape", [self.op("Transpose", [self.op("Reshape", [q, rows["split"]])], perm=[0, 2, 1, 3, 4]),
                                rows["by_window"]])
        out, weights = self.attention_with_weights(q, k, v, h, hd, heads_out=True)
        out = self.op("Transpose", [self.op("Reshape", [out, rows["split_out"]])], perm=[0, 2, 3, 1, 4])
        if with_weights:
            weights = self.op("Transpose", [self.op("Reshape", [weights, rows["split_out"]])], perm=[0, 2, 1, 3, 4])
        return (self.op("Reshape", [out, rows["rows_out"]]),
                self.op("Reshape", [weights, rows["rows_weights"]]) if with_weights else None)

    def row_layout(self, rows, windows, length, h, hd):
        """The shapes attention_by_window() reshapes to, made once for all layers: rows and windows are 1-D
        one-element shapes (the step's rows, the windows of the keys and values), length the step's positions."""
        per_window = self.op("Div", [rows, windows])
        return {
            "split": self.op("Concat", [windows, per_window, self.ints(h), length, self.ints(hd)], axis=0),
            "by_window": self.op("Concat", [windows, self.ints(h), self.op("Mul", [per_window, length]),
                                            self.ints(hd)], axis=0),
            "split_out": self.op("Concat", [windows, self.ints(h), per_window, length, self.ints(-1)], axis=0),
            "rows_out": self.op("Concat", [rows, length, self.ints(h * hd)], axis=0),
            "rows_weights": self.op("Concat", [rows, self.ints(h), length, self.ints(-1)], axis=0),
        }

    def query(self, x, prefix, h, hd):
        q = self.op("Mul", [self.linear(x, f"{prefix}.q_proj"), self.scalar(float(hd ** -0.5))])
        return self.heads(q, h, hd)

    def give(self, value, name):
        """Makes the node that computes `value` write graph output `name` itself. Not through an Identity: ONNX Runtime
        keeps one whose input has other consumers too (a step's keys and values feed its attention), and would compute
        the value into its own arena and copy it into the output the caller passed (base, 5 beams of 224 tokens: 27 MB
        of keys and values a step, both held and copied)."""
        for node in self.nodes:
            for io in (node.output, node.input):
                for i, arg in enumerate(io):
                    if arg == value:
                        io[i] = name

    def model(self, name, inputs, outputs):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, initializer=list(self.initializers.values()))
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8,
                                 producer_name="sensorium-convert")


def tensor(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def encoder(weights: dict, dims: dict):
    g = Graph(weights)
    d, h = dims["d_model"], dims["encoder_attention_heads"]
    hd = d // h
    x = g.gelu(g.op("Conv", ["input_features", g.w("encoder.conv1.weight"), g.w("encoder.conv1.bias")],
                    kernel_shape=[3], pads=[1, 1]))
    x = g.gelu(g.op("Conv", [x, g.w("encoder.conv2.weight"), g.w("encoder.conv2.bias")], kernel_shape=[3],
                    pads=[1, 1], strides=[2]))
    x = g.op("Transpose", [x], perm=[0, 2, 1])
    # Positions sliced to the input's length, so that fewer than 3000 frames can be encoded (whisper.cpp's audio_ctx):
    # the live stage encodes a short buffer at a fraction of the cost. At 3000 frames this is the reference graph.
    length = g.op("Shape", [x], start=1, end=2)
    x = g.op("Add", [x, g.op("Slice", [g.w("encoder.embed_positions.weight"), g.ints(0), length, g.ints(0)])])
    for i in range(dims["encoder_layers"]):
        p = f"encoder.layers.{i}"
        y = g.layer_norm(x, f"{p}.self_attn_layer_norm")
        k = g.heads(g.linear(y, f"{p}.self_attn.k_proj", bias=False), h, hd)
        v = g.heads(g.linear(y, f"{p}.self_attn.v_proj"), h, hd)
        x = g.op("Add", [x, g.linear(g.attention_by_head(g.query(y, f"{p}.self_attn", h, hd), k, v, h, hd),
                                     f"{p}.self_attn.out_proj")])
        y = g.layer_norm(x, f"{p}.final_layer_norm")
        x = g.op("Add", [x, g.linear(g.gelu(g.linear(y, f"{p}.fc1")), f"{p}.fc2")])
    g.give(g.layer_norm(x, "encoder.layer_norm"), "last_hidden_state")
    model = g.model("whisper_encoder",
                    [tensor("input_features", TensorProto.FLOAT, ["batch_size", dims["num_mel_bins"], "frames"])],
                    [tensor("last_hidden_state", TensorProto.FLOAT, ["batch_size", "positions", d])])
    helper.set_model_props(model, {SHORT_INPUT_PROPERTY: "true"})
    return model


def cross_kv(weights: dict, dims: dict):
    """Every decoder layer's cross-attention keys and values (present.N.encoder.*), from the encoder's states: what
    the first-step decoder computes before its tokens, as a graph of its own, so that one decoder graph (step(), the
    cached step's) serves the first step too. Each ONNX Runtime session packs its own copy of a graph's weights for its
    products, and the first-step and cached-step graphs have all the decoder's weights but these: with the pair, every
    decoder weight and the output projection were packed twice (tiny.en float32: 118 MB more)."""
    g = Graph(weights)
    d, h = dims["d_model"], dims["decoder_attention_heads"]
    hd = d // h
    outputs = []
    for i in range(dims["decoder_layers"]):
        p = f"decoder.layers.{i}.encoder_attn"
        for kind, bias in (("key", False), ("value", True)):
            name = f"present.{i}.encoder.{kind}"
            g.give(g.heads(g.linear("encoder_hidden_states", f"{p}.{kind[0]}_proj", bias=bias), h, hd), name)
            outputs.append(tensor(name, TensorProto.FLOAT, ["batch_size", h, "encoder_sequence_length", hd]))
    return g.model("whisper_decoder_cross_kv", [tensor("encoder_hidden_states", TensorProto.FLOAT,
                                                       ["batch_size", "encoder_sequence_length", d])], outputs)


def step(weights: dict, dims: dict, int8=False, alignment_heads=None):
    """The decoder step that cross_kv()'s keys and values go with: the cached step's graph, which also takes
    logits_from and gives the alignment heads' attention, so that a first step (its past of length 0) and the run over
    a decoding's tokens for word times take it too."""
    return decoder(weights, dims, with_past=True, int8=int8, alignment_heads=alignment_heads, logits_from=True)


def decoder(weights: dict, dims: dict, with_past: bool, int8=False, alignment_heads=None, logits_from=None):
    """The decoder; with alignment_heads ([layer, head] pairs) it also gives cross_attentions [batch, alignment heads,
    tokens, audio positions]: those heads' attention probabilities over the audio, from which word times are found
    (openai's and transformers' alignment by dynamic time warping). logits_from (by default: without past) adds the
    input LOGITS_FROM. int8: the graph is to be quantised (its products with weights, afterwards, by
    quantize.py): the token embedding is stored in float16 here."""
    g = Graph(weights)
    logits_from = not with_past if logits_from is None else logits_from
    heads_by_layer = {}
    for layer, head in alignment_heads or []:
        heads_by_layer.setdefault(layer, []).append(head)
    alignment = []
    d, h, layers = dims["d_model"], dims["decoder_attention_heads"], dims["decoder_layers"]
    hd = d // h
    kv_shape = ["batch_size", h, "past_sequence_length", hd]
    inputs = [tensor("input_ids", TensorProto.INT64, ["batch_size", "decoder_sequence_length"])]
    if not with_past:
        inputs.append(tensor("encoder_hidden_states", TensorProto.FLOAT, ["batch_size", "encoder_sequence_length", d]))
    else:
        for i in range(layers):
            for part in ("decoder.key", "decoder.value", "encoder.key", "encoder.value"):
                inputs.append(tensor(f"past_key_values.{i}.{part}", TensorProto.FLOAT, kv_shape))
    if logits_from:
        # A first step needs the scores of its last position (and of <|startoftranscript|>, for no_speech_prob), not
        # those of the previous text before them: up to 224 positions over the whole vocabulary, each as much work as
        # a cached step. (Not an optional input with a default: ONNX Runtime's Java API does not take those.)
        inputs.append(tensor(LOGITS_FROM, TensorProto.INT64, [1]))

    length = g.op("Gather", [g.op("Shape", ["input_ids"]), g.ints(1)], axis=0)
    if with_past:
        past = g.op("Gather", [g.op("Shape", ["past_key_values.0.decoder.key"]), g.ints(2)], axis=0)
    else:
        past = g.ints(0)
    total = g.op("Add", [past, length])
    positions = g.op("Range", [g.op("Squeeze", [past]), g.op("Squeeze", [total]), g.const("one", np.array(1, np.int64))])
    tokens = (g.half_rows("decoder.embed_tokens.weight", "input_ids") if int8
              else g.op("Gather", [g.w("decoder.embed_tokens.weight"), "input_ids"], axis=0))
    x = g.op("Add", [tokens, g.op("Gather", [g.w("decoder.embed_positions.weight"), positions], axis=0)])
    # Causal mask: query i (position past + i) sees keys 0 .. past + i.
    rows = g.op("Unsqueeze", [positions, g.ints(1)])
    cols = g.op("Unsqueeze", [g.op("Range", [g.const("zero", np.array(0, np.int64)), g.op("Squeeze", [total]),
                                             g.const("one", np.array(1, np.int64))]), g.ints(0)])
    mask = g.op("Where", [g.op("Greater", [cols, rows]), g.scalar(NEG), g.scalar(0.0)])

    outputs = [tensor("logits", TensorProto.FLOAT, ["batch_size", "logits_positions", dims["vocab_size"]])]
    presents = []
    if with_past:
        windows = g.op("Shape", ["past_key_values.0.encoder.key"], start=0, end=1)
        rows = g.row_layout(g.op("Shape", ["input_ids"], start=0, end=1), windows, length, h, hd)
    for i in range(layers):
        p = f"decoder.layers.{i}"
        y = g.layer_norm(x, f"{p}.self_attn_layer_norm")
        k = g.heads(g.linear(y, f"{p}.self_attn.k_proj", bias=False), h, hd)
        v = g.heads(g.linear(y, f"{p}.self_attn.v_proj"), h, hd)
        if with_past:
            k = g.op("Concat", [f"past_key_values.{i}.decoder.key", k], axis=2)
            v = g.op("Concat", [f"past_key_values.{i}.decoder.value", v], axis=2)
        presents += [(f"present.{i}.decoder.key", k), (f"present.{i}.decoder.value", v)]
        x = g.op("Add", [x, g.linear(g.attention(g.query(y, f"{p}.self_attn", h, hd), k, v, h, hd, mask), f"{p}.self_attn.out_proj")])
        y = g.layer_norm(x, f"{p}.encoder_attn_layer_norm")
        q = g.query(y, f"{p}.encoder_attn", h, hd)
        if with_past:
            attended, cross = g.attention_by_window(q, f"past_key_values.{i}.encoder.key",
                                                    f"past_key_values.{i}.encoder.value", h, hd, rows,
                                                    with_weights=i in heads_by_layer)
        else:
            ck = g.heads(g.linear("encoder_hidden_states", f"{p}.encoder_attn.k_proj", bias=False), h, hd)
            cv = g.heads(g.linear("encoder_hidden_states", f"{p}.encoder_attn.v_proj"), h, hd)
            presents += [(f"present.{i}.encoder.key", ck), (f"present.{i}.encoder.value", cv)]
            attended, cross = g.attention_with_weights(q, ck, cv, h, hd)
        for head in heads_by_layer.get(i, []):
            alignment.append(g.op("Slice", [cross, g.ints(head), g.ints(head + 1), g.ints(1)]))
        x = g.op("Add", [x, g.linear(attended, f"{p}.encoder_attn.out_proj")])
        y = g.layer_norm(x, f"{p}.final_layer_norm")
        x = g.op("Add", [x, g.linear(g.gelu(g.linear(y, f"{p}.fc1")), f"{p}.fc2")])
    x = g.layer_norm(x, "decoder.layer_norm")
    if logits_from:
        x = g.op("Slice", [x, LOGITS_FROM, g.ints(np.iinfo(np.int64).max), g.ints(1)])
    # The output projection, tied to the token embedding, takes a transposed copy of its own: ONNX Runtime packs it for
    # its products at load and then lets it go, and reads only the tokens' rows of the embedding, both mapped from the
    # data file. The embedding transposed by a node in the graph was folded at each load, three copies held at once
    # (tiny.en float32, the step graph's session in ONNX Runtime 1.23 from Python: 398 -> 167 ms, peak RSS 365 -> 243
    # MB; the data file 98 -> 178 MB). One transposed copy for both, the tokens gathered as its columns, stayed mapped
    # beside the packed one (205 MB once loaded, against 129). Quantised, the projection is also a weight for
    # quantize.py to take, and the tokens come from a float16 copy.
    projection = g.w("decoder.embed_tokens.weight", transpose=True)
    g.nodes.append(helper.make_node("MatMul", [x, projection], ["logits"], name="logits"))
    for name, value in presents:
        g.give(value, name)
        outputs.append(tensor(name, TensorProto.FLOAT, ["batch_size", h, "present_sequence_length", hd]))
    if alignment:
        g.nodes.append(helper.make_node("Concat", alignment, ["cross_attentions"], name="cross_attentions", axis=1))
        outputs.append(tensor("cross_attentions", TensorProto.FLOAT,
                              ["batch_size", len(alignment), "decoder_sequence_length", "encoder_sequence_length"]))
    return g.model("whisper_decoder_with_past" if with_past else "whisper_decoder", inputs, outputs)
