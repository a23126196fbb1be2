"""Converts a Whisper checkpoint into the Hugging Face ONNX layout Sensorium's --model takes (and the Hub's
onnx-community/whisper-* repositories use), without PyTorch: numpy + onnx.

usage: python convert_whisper.py SRC DEST [--quantize int8]
  SRC: a CTranslate2 Whisper directory (model.bin, config.json, tokenizer.json — as faster-whisper keeps them), or a
       transformers checkpoint directory (model.safetensors, config.json [, generation_config.json, tokenizer.json])
  DEST: gets config.json, generation_config.json, preprocessor_config.json, tokenizer.json, onnx/encoder_model.onnx
        and the decoder: onnx/decoder_cross_kv_model.onnx + onnx/decoder_step_model.onnx (the default: the
        cross-attention keys and values, then one graph for every step, the first included, so that ONNX Runtime
        packs the decoder's weights once; and without the If node, which slows a cached step by about a third), or
        onnx/decoder_model_merged.onnx (--merged: the layout onnx-community ships); each graph's weights of 1 MiB
        or more in its data file beside it (GRAPH.onnx_data), aligned for ONNX Runtime to map
  --quantize int8: dynamic int8 quantisation of the products with weights (quantize.py: weights with a scale per
                   column, activations with a scale and a zero point per audio position in the encoder and the
                   cross-attention), and the token embedding stored in float16
"""
import argparse
import json
import pathlib
import shutil
import sys
import tempfile

import onnx
from onnx import numpy_helper

# What a conversion gives, counted up when it gives more; written to DEST/sensorium-convert.json, so that `models pull`
# converts again a model an earlier version converted. 2: the decoder's alignment heads' attention (word times);
# 3: the first step's logits_from (logits of the positions wanted only); 4: an int8 conversion's token embedding in
# float16 (tiny.en: 110 -> 70 MB a decoder graph); 5: weights of EXTERNAL_FROM bytes or more in each graph's data file,
# aligned for ONNX Runtime to map it, and int8 weights in 7 bits (see quantize.py); 6: the encoder's attention a head at a
# time (onnx_graphs.attention_by_head), the decoder as cross-attention keys/values + one step graph (onnx_graphs.step);
# 7: each output written by the node that computes it, not copied through an Identity (onnx_graphs.Graph.give);
# 8: int8 by quantize.py, the encoder's and cross-attention's activations with a scale per audio position;
# 9: and a zero point per audio position; 10: int8 weights in 8 bits where the converting machine sums int8 products in
# 32 bits (--wide-int8-sums), marked so in the graphs and here; 11: the cached step's cross-attention as one product
# for all the rows of a window (onnx_graphs.Graph.attention_by_window); 12: a float32 decoder's output projection as
# a transposed copy of the token embedding of its own, as int8's (no transposition at each load).
CONVERTER_VERSION = 12
EXTERNAL_FROM = 1 << 20
DATA_ALIGNMENT = 64 * 1024

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import checkpoints  # noqa: E402
import merge_decoders  # noqa: E402
import onnx_graphs  # noqa: E402
from quantize import quantize as quantize_int8  # noqa: E402


def special_ids(tokenizer_json: pathlib.Path) -> dict:
    added = json.loads(tokenizer_json.read_text())["added_tokens"]
    return {token["content"]: token["id"] for token in added}


def whisper_config(dims: dict, specials: dict) -> dict:
    return {
        "model_type": "whisper", "architectures": ["WhisperForConditionalGeneration"], **dims,
        "activation_function": "gelu", "scale_embedding": False, "tie_word_embeddings": True, "use_cache": True,
        "bos_token_id": specials["<|endoftext|>"], "eos_token_id": specials["<|endoftext|>"],
        "pad_token_id": specials["<|endoftext|>"], "decoder_start_token_id": specials["<|startoftranscript|>"],
    }


def generation_config(ct2_config: dict, dims: dict, specials: dict) -> dict:
    multilingual = dims["vocab_size"] >= 51865
    config = {
        "decoder_start_token_id": specials["<|startoftranscript|>"], "bos_token_id": specials["<|endoftext|>"],
        "eos_token_id": specials["<|endoftext|>"], "pad_token_id": specials["<|endoftext|>"],
        "no_timestamps_token_id": specials["<|notimestamps|>"], "prev_sot_token_id": specials.get("<|startofprev|>"),
        "is_multilingual": multilingual, "max_initial_timestamp_index": 50, "max_length": dims["max_target_positions"],
        "suppress_tokens": ct2_config.get("suppress_ids", []), "begin_suppress_tokens": ct2_config.get("suppress_ids_begin", []),
        "return_timestamps": False,
    }
    if multilingual:
        by_id = {v: k for k, v in specials.items()}
        config["lang_to_id"] = {by_id[i]: i for i in ct2_config.get("lang_ids", []) if i in by_id}
        config["task_to_id"] = {"transcribe": specials["<|transcribe|>"], "translate": specials["<|translate|>"]}
    if "alignment_heads" in ct2_config:
        config["alignment_heads"] = ct2_config["alignment_heads"]
    return config


def alignment_heads(src: pathlib.Path, ct2_config: dict | None) -> list | None:
    """The [layer, head] pairs whose cross-attention follows the audio: CTranslate2's config.json or transformers'
    generation_config.json has them (openai's per-model lists); None where neither does."""
    if ct2_config is not None:
        return ct2_config.get("alignment_heads")
    generation = src / "generation_config.json"
    return json.loads(generation.read_text()).get("alignment_heads") if generation.is_file() else None


def preprocessor_config(mels: int) -> dict:
    return {"chunk_length": 30, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": mels,
            "hop_length": 160, "n_fft": 400, "n_samples": 480000, "nb_max_frames": 3000, "padding_side": "right",
            "padding_value": 0.0, "processor_class": "WhisperProcessor", "return_attention_mask": False,
            "sampling_rate": 16000}


def save_inline(model: onnx.ModelProto, path: pathlib.Path, int8_by_rows=None, wide_sums=False) -> None:
    """A working copy, for the merger to read; quantised first where int8_by_rows is given (quantize.py)."""
    if int8_by_rows is not None:
        model = quantize_int8(model, int8_by_rows, wide_sums)
    # Protobuf caps a file at 2 GB: large models keep their weights beside the graph.
    if model.ByteSize() > 1_800_000_000:
        onnx.save(model, path, save_as_external_data=True, location=path.name + ".data")
    else:
        onnx.save(model, path)


def tensors(graph: onnx.GraphProto):
    """The graph's initializers and those of its subgraphs (the merged decoder's If branches)."""
    yield from graph.initializer
    for node in graph.node:
        for attribute in node.attribute:
            for subgraph in [attribute.g] if attribute.HasField("g") else attribute.graphs:
                yield from tensors(subgraph)


def save(model: onnx.ModelProto, path: pathlib.Path) -> None:
    """Writes the graph to PATH and its initializers of EXTERNAL_FROM bytes or more to PATH_data (the name the Hub's
    ONNX repositories give it), each at an offset that is a multiple of DATA_ALIGNMENT. On the CPU ONNX Runtime maps
    such a file into memory rather than reading it, so a weight that a run reads in part costs only the pages it
    reads: a decoding step gathers a few rows of the token embedding (tiny.en: 40 MB in float16 in each decoder graph
    of an int8 conversion, 80 MB in float32), which in the graph file were all held in memory, in each graph."""
    data = path.with_name(path.name + "_data")
    with open(data, "wb") as out:
        for tensor in tensors(model.graph):
            if not tensor.HasField("raw_data"):
                tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor), tensor.name))
            if len(tensor.raw_data) < EXTERNAL_FROM:
                continue
            offset = -(-out.tell() // DATA_ALIGNMENT) * DATA_ALIGNMENT
            out.seek(offset)
            out.write(tensor.raw_data)
            length = len(tensor.raw_data)
            tensor.ClearField("raw_data")
            tensor.data_location = onnx.TensorProto.EXTERNAL
            del tensor.external_data[:]
            for key, value in (("location", data.name), ("offset", offset), ("length", length)):
                tensor.external_data.add(key=key, value=str(value))
    if data.stat().st_size == 0:
        data.unlink()
    onnx.save(model, path)


def convert(src: pathlib.Path, dest: pathlib.Path, quantize: str | None = None, merged: bool = False,
            wide_sums: bool = False) -> None:
    if (src / "model.bin").is_file():
        weights, dims = checkpoints.from_ct2(src)
        ct2_config = json.loads((src / "config.json").read_text()) if (src / "config.json").is_file() else {}
    elif (src / "model.safetensors").is_file():
        weights, dims = checkpoints.from_transformers(src)
        ct2_config = None
    else:
        raise SystemExit(f"{src}: neither a CTranslate2 model (model.bin) nor a transformers checkpoint (model.safetensors)")
    if not (src / "tokenizer.json").is_file():
        raise SystemExit(f"{src}: tokenizer.json is missing")
    specials = special_ids(src / "tokenizer.json")
    onnx_dir = dest / "onnx"
    onnx_dir.mkdir(parents=True, exist_ok=True)
    int8 = quantize == "int8"
    graphs = ["encoder_model.onnx", *(["decoder_model_merged.onnx"] if merged
                                      else ["decoder_cross_kv_model.onnx", "decoder_step_model.onnx"])]
    # Quantised, the encoder's and the cross-attention's products take a scale and zero point per audio position.
    every_row = (lambda x: True) if int8 else None
    audio_rows = (lambda x: x == "encoder_hidden_states") if int8 else None
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        save_inline(onnx_graphs.encoder(weights, dims), work / "encoder_model.onnx", every_row, wide_sums)
        if merged:
            # The merged graph's branches must give the same outputs: no alignment heads' attention.
            save_inline(onnx_graphs.decoder(weights, dims, with_past=False, int8=int8), work / "decoder_model.onnx",
                        audio_rows, wide_sums)
            save_inline(onnx_graphs.decoder(weights, dims, with_past=True, int8=int8),
                        work / "decoder_with_past_model.onnx", audio_rows, wide_sums)
            merge_decoders.main(str(work), str(work / "decoder_model_merged.onnx"))
        else:
            save_inline(onnx_graphs.cross_kv(weights, dims), work / "decoder_cross_kv_model.onnx", every_row,
                        wide_sums)
            save_inline(onnx_graphs.step(weights, dims, int8=int8, alignment_heads=alignment_heads(src, ct2_config)),
                        work / "decoder_step_model.onnx", audio_rows, wide_sums)
        for name in graphs:
            save(onnx.load(work / name), onnx_dir / name)
    if ct2_config is None:
        shutil.copy(src / "config.json", dest / "config.json")
        generation = src / "generation_config.json"
        if not generation.is_file():
            raise SystemExit(f"{src}: generation_config.json is missing")
        shutil.copy(generation, dest / "generation_config.json")
    else:
        (dest / "config.json").write_text(json.dumps(whisper_config(dims, specials), indent=2))
        (dest / "generation_config.json").write_text(json.dumps(generation_config(ct2_config, dims, specials), indent=2))
    (dest / "preprocessor_config.json").write_text(json.dumps(preprocessor_config(dims["num_mel_bins"]), indent=2))
    shutil.copy(src / "tokenizer.json", dest / "tokenizer.json")
    mark = {"version": CONVERTER_VERSION, "source": str(src)}
    if int8:
        mark["int8_sums_in_32_bits"] = wide_sums
    (dest / "sensorium-convert.json").write_text(json.dumps(mark))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=pathlib.Path)
    parser.add_argument("dest", type=pathlib.Path)
    parser.add_argument("--quantize", choices=["int8"])
    parser.add_argument("--merged", action="store_true",
                        help="one merged decoder graph (onnx-community's layout) instead of the cross-attention and step graphs")
    parser.add_argument("--wide-int8-sums", action="store_true",
                        help="int8 weights in 8 bits rather than 7: the machines that run the graphs sum int8 products"
                             " in 32 bits (x86-64 with VNNI, ARM64; see quantize.py)")
    args = parser.parse_args()
    if args.wide_int8_sums and args.quantize != "int8":
        parser.error("--wide-int8-sums goes with --quantize int8")
    convert(args.src, args.dest, args.quantize, args.merged, args.wide_int8_sums)
    print(args.dest)


if __name__ == "__main__":
    main()
