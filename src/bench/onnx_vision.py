"""What the Python side of the vision benchmarks shares: the ONNX graph of a Hugging Face model directory in
onnxruntime, run on what the transformers image processor made, with the class probabilities softmaxed in numpy."""
import numpy as np
import onnxruntime as ort


class Graph:
    def __init__(self, model_dir, threads):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(f"{model_dir}/onnx/model.onnx", options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.detector = "pred_boxes" in {o.name for o in self.session.get_outputs()}

    def run(self, features):
        """Returns the first image's class probabilities, and its boxes (cx, cy, w, h; None for a classifier)."""
        feeds = {"pixel_values": features["pixel_values"].astype(np.float32)}
        if "pixel_mask" in self.inputs:
            feeds["pixel_mask"] = features["pixel_mask"].astype(np.int64)
        outputs = self.session.run(["logits", "pred_boxes"] if self.detector else ["logits"], feeds)
        probs = np.exp(outputs[0] - outputs[0].max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        return probs[0], outputs[1][0] if self.detector else None
