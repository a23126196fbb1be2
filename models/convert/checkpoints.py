"""Reads Whisper checkpoints into one set of numpy weights named as Hugging Face `transformers` names them
(without the `model.` prefix), plus the model's dimensions. Sources: a CTranslate2 directory (model.bin, as
faster-whisper uses) and a transformers checkpoint (model.safetensors + config.json). numpy only."""
import json
import pathlib
import struct

import numpy as np

CT2_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


def read_ct2(path: pathlib.Path) -> dict:
    """CTranslate2's model.bin: version, spec name, revision, then named variables (rank, dims, dtype, bytes),
    then aliases."""
    data = path.read_bytes()
    offset = 0

    def take(fmt):
        nonlocal offset
        value = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return value[0]

    def string():
        nonlocal offset
        length = take("H")
        value = data[offset:offset + length - 1].decode("utf-8")
        offset += length
        return value

    version = take("I")
    if version < 5:
        raise ValueError(f"{path}: CTranslate2 binary version {version} is too old (5 or later is read)")
    spec = string()
    if spec != "WhisperSpec":
        raise ValueError(f"{path} holds a {spec}, not a Whisper model")
    take("I")  # spec revision
    variables = {}
    for _ in range(take("I")):
        name = string()
        dims = [take("I") for _ in range(take("B"))]
        dtype = CT2_DTYPES[take("B")]
        size = take("I")
        raw = data[offset:offset + size]
        offset += size
        if dtype == "bfloat16":
            array = (np.frombuffer(raw, np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(raw, dtype)
        variables[name] = array.reshape(dims)
    for _ in range(take("I")):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def from_ct2(directory: pathlib.Path) -> tuple[dict, dict]:
    v = read_ct2(directory / "model.bin")
    f = lambda name: v[name].astype(np.float32)
    w = {}
    d = v["encoder/conv1/weight"].shape[0]

    def layer_norm(dst, src):
        w[f"{dst}.weight"], w[f"{dst}.bias"] = f(f"{src}/gamma"), f(f"{src}/beta")

    def linear(dst, src, bias=True):
        w[f"{dst}.weight"] = f(f"{src}/weight")
        if bias:
            w[f"{dst}.bias"] = f(f"{src}/bias")

    def fused(dsts, src):
        weights, biases = np.split(f(f"{src}/weight"), len(dsts)), np.split(f(f"{src}/bias"), len(dsts))
        for dst, weight, bias in zip(dsts, weights, biases):
            w[f"{dst}.weight"] = weight
            if not dst.endswith("k_proj"):  # Whisper's key projections have no bias (CTranslate2 stores zeros)
                w[f"{dst}.bias"] = bias

    for conv in ("conv1", "conv2"):
        linear(f"encoder.{conv}", f"encoder/{conv}")
    w["encoder.embed_positions.weight"] = f("encoder/position_encodings/encodings")
    layer_norm("encoder.layer_norm", "encoder/layer_norm")
    w["decoder.embed_tokens.weight"] = f("decoder/embeddings/weight")
    w["decoder.embed_positions.weight"] = f("decoder/position_encodings/encodings")
    layer_norm("decoder.layer_norm", "decoder/layer_norm")
    encoder_layers = sum(1 for k in v if k.startswith("encoder/layer_") and k.endswith("ffn/linear_0/weight"))
    decoder_layers = sum(1 for k in v if k.startswith("decoder/layer_") and k.endswith("ffn/linear_0/weight"))
    for side, layers in (("encoder", encoder_layers), ("decoder", decoder_layers)):
        for i in range(layers):
            src, dst = f"{side}/layer_{i}", f"{side}.layers.{i}"
            fused([f"{dst}.self_attn.{p}_proj" for p in "qkv"], f"{src}/self_attention/linear_0")
            linear(f"{dst}.self_attn.out_proj", f"{src}/self_attention/linear_1")
            layer_norm(f"{dst}.self_attn_layer_norm", f"{src}/self_attention/layer_norm")
            linear(f"{dst}.fc1", f"{src}/ffn/linear_0")
            linear(f"{dst}.fc2", f"{src}/ffn/linear_1")
            layer_norm(f"{dst}.final_layer_norm", f"{src}/ffn/layer_norm")
            if side == "decoder":
                linear(f"{dst}.encoder_attn.q_proj", f"{src}/attention/linear_0")
                fused([f"{dst}.encoder_attn.k_proj", f"{dst}.encoder_attn.v_proj"], f"{src}/attention/linear_1")
                linear(f"{dst}.encoder_attn.out_proj", f"{src}/attention/linear_2")
                layer_norm(f"{dst}.encoder_attn_layer_norm", f"{src}/attention/layer_norm")
    dims = {
        "d_model": d, "num_mel_bins": v["encoder/conv1/weight"].shape[1],
        "encoder_layers": encoder_layers, "decoder_layers": decoder_layers,
        "encoder_attention_heads": int(v["encoder/num_heads"]), "decoder_attention_heads": int(v["decoder/num_heads"]),
        "encoder_ffn_dim": w["encoder.layers.0.fc1.weight"].shape[0], "decoder_ffn_dim": w["decoder.layers.0.fc1.weight"].shape[0],
        "vocab_size": w["decoder.embed_tokens.weight"].shape[0],
        "max_source_positions": w["encoder.embed_positions.weight"].shape[0],
        "max_target_positions": w["decoder.embed_positions.weight"].shape[0],
    }
    return w, dims


def read_safetensors(path: pathlib.Path) -> dict:
    data = path.read_bytes()
    header_length = struct.unpack_from("<Q", data, 0)[0]
    header = json.loads(data[8:8 + header_length])
    base = 8 + header_length
    kinds = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(data[base + start:base + end], kinds[info["dtype"]])
        if info["dtype"] == "BF16":
            array = (array.astype(np.uint32) << 16).view(np.float32)
        tensors[name] = array.reshape(info["shape"]).astype(np.float32)
    return tensors


def from_transformers(directory: pathlib.Path) -> tuple[dict, dict]:
    config = json.loads((directory / "config.json").read_text())
    tensors = read_safetensors(directory / "model.safetensors")
    weights = {name.removeprefix("model."): value for name, value in tensors.items() if name != "proj_out.weight"}
    keys = ("d_model", "num_mel_bins", "encoder_layers", "decoder_layers", "encoder_attention_heads",
            "decoder_attention_heads", "encoder_ffn_dim", "decoder_ffn_dim", "vocab_size", "max_source_positions",
            "max_target_positions")
    return weights, {k: config[k] for k in keys}
