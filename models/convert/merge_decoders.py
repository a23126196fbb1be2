"""Merges a Whisper decoder_model.onnx and decoder_with_past_model.onnx into one decoder_model_merged.onnx, the
layout optimum writes and the Hub's onnx-community/whisper-* repositories ship: an `If` on a bool input
`use_cache_branch` runs the with-past graph (cache) or the first-step graph (no cache); the weights are stored
once, in the outer graph. The cache branch passes the past cross-attention keys/values through as its
present.N.encoder.* outputs, so both branches have the same outputs.

usage: python models/convert/merge_decoders.py ONNX_DIR OUT_FILE
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import onnx_graphs


def branch(model: onnx.ModelProto, prefix: str, outer: set, shared: dict, renamed_inits: dict):
    graph = model.graph
    names = {}
    for init in graph.initializer:
        array = numpy_helper.to_array(init)
        if init.name in shared and np.array_equal(shared[init.name][1], array):
            names[init.name] = init.name
            continue
        new_name = init.name if init.name not in shared else prefix + init.name
        names[init.name] = new_name
        copy = numpy_helper.from_array(array, new_name)
        shared[new_name] = (copy, array)
        renamed_inits[new_name] = copy

    def rename(value: str) -> str:
        if value == "" or value in outer:
            return value
        return names.get(value, prefix + value)

    nodes = []
    for node in graph.node:
        copy = onnx.NodeProto()
        copy.CopyFrom(node)
        copy.name = prefix + node.name
        copy.input[:] = [rename(v) for v in node.input]
        copy.output[:] = [rename(v) for v in node.output]
        nodes.append(copy)
    outputs = {o.name: rename(o.name) for o in graph.output}
    return nodes, outputs


def main(onnx_dir: str, out_file: str) -> None:
    no_past = onnx.load(f"{onnx_dir}/decoder_model.onnx")
    with_past = onnx.load(f"{onnx_dir}/decoder_with_past_model.onnx")
    past_inputs = [i for i in with_past.graph.input if i.name.startswith("past_key_values.")]
    ids = next(i for i in no_past.graph.input if i.name == "input_ids")
    encoder_states = next(i for i in no_past.graph.input if i.name == "encoder_hidden_states")
    # The first step's logits_from (see onnx_graphs), where it has one: the cache branch does not read it.
    logits_from = [i for i in no_past.graph.input if i.name == onnx_graphs.LOGITS_FROM]
    outer = {"input_ids", "encoder_hidden_states", "use_cache_branch", *[i.name for i in past_inputs + logits_from]}
    shared, initializers = {}, {}
    first_nodes, first_out = branch(no_past, "first/", outer, shared, initializers)
    cached_nodes, cached_out = branch(with_past, "cached/", outer, shared, initializers)

    output_names = [o.name for o in no_past.graph.output]  # logits, present.N.decoder/encoder.key/value
    value = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, None)
    pass_through = []
    cached_outputs = []
    for name in output_names:
        if name in cached_out:
            cached_outputs.append(value(cached_out[name]))
        else:  # present.N.encoder.*: the cache branch hands the past cross-attention keys/values back
            past = name.replace("present.", "past_key_values.")
            pass_through.append(helper.make_node("Identity", [past], ["cached/" + name], name="cached/" + name))
            cached_outputs.append(value("cached/" + name))
    then_graph = helper.make_graph(cached_nodes + pass_through, "cached", [], cached_outputs)
    else_graph = helper.make_graph(first_nodes, "first", [], [value(first_out[n]) for n in output_names])
    use_cache = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    if_node = helper.make_node("If", ["use_cache_branch"], output_names, name="optimum::if",
                               then_branch=then_graph, else_branch=else_graph)
    graph = helper.make_graph([if_node], "whisper_decoder_merged", [ids, encoder_states, *past_inputs, use_cache, *logits_from],
                              list(no_past.graph.output), initializer=list(initializers.values()))
    merged = helper.make_model(graph, opset_imports=list(no_past.opset_import), ir_version=no_past.ir_version)
    merged.metadata_props.extend(no_past.metadata_props)
    onnx.checker.check_model(merged)
    onnx.save(merged, out_file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
