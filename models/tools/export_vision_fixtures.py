"""Makes the random-weight vision fixtures the vision tests run, and their reference outputs:

- models/fixtures/images: three photos bundled with scikit-image (public domain / CC0) as PNG, one also as JPEG.
- models/fixtures/detr-tiny-random: a tiny `transformers` DetrForObjectDetection (ResNet backbone from transformers'
  own ResNetConfig, no timm) in the Hugging Face ONNX layout of Xenova/detr-resnet-50 (onnx/model.onnx with inputs
  pixel_values, pixel_mask and outputs logits, pred_boxes; config.json; preprocessor_config.json as
  facebook/detr-resnet-50's).
- models/fixtures/yolos-tiny-random: a tiny YolosForObjectDetection, preprocessor_config.json as hustvl/yolos-tiny's.
- models/fixtures/vit-tiny-random: a tiny ViTForImageClassification, preprocessor_config.json as
  google/vit-base-patch16-224's.

usage: python models/tools/export_vision_fixtures.py
  (venv with torch, transformers, onnx, onnxruntime, pillow, scikit-image; torchvision optional, for the
  slow-vs-fast preprocessing comparison). Reads nothing but scikit-image's bundled sample images.

Weights are random (fixed SEED), then made non-degenerate the way a trained net would be: frozen batch-norm
statistics are set from the photos (each layer on its own input), and the output heads are standardised on the
photos' decoder/detection-token states (per-output mean and spread), so that queries get different labels, boxes
and scores. Each graph is checked against PyTorch with onnxruntime here (max abs error <= 1e-5 per unit of the
output's scale, at the reference size and at another batch/size for the dynamic ones). Each fixture's reference/ holds raw little-endian float32
(.f32, row-major) files and reference.json: model outputs for a fixed input, the image processor's
post_process_object_detection (or softmax top-5) of them, and the PIL image processors' pixel_values per photo.
"""
import hashlib
import json
import math
import pathlib
import platform

import numpy as np
import onnx
import onnxruntime as ort
import PIL
import skimage
import torch
import transformers
from PIL import Image
from transformers import (DetrConfig, DetrForObjectDetection, DetrImageProcessorPil, ResNetConfig, ViTConfig,
                          ViTForImageClassification, ViTImageProcessorPil, YolosConfig, YolosForObjectDetection,
                          YolosImageProcessorPil)
from transformers.models.detr import modeling_detr

try:  # the torchvision ("fast") processors, only for the slow-vs-fast numbers in the manifests
    import torchvision
    from transformers import DetrImageProcessor, ViTImageProcessor, YolosImageProcessor
except ImportError:
    torchvision = None
    DetrImageProcessor = ViTImageProcessor = YolosImageProcessor = None

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "models/fixtures"
IMAGES = FIXTURES / "images"
SEED = 20261122
MAX_ONNX_ERROR = 1e-5
SKIMAGE_DATA = pathlib.Path(skimage.__file__).parent / "data"

DETECTION_LABELS = ["person", "bicycle", "car", "dog", "cat"]
# Eight ImageNet-1k class names as google/vit-base-patch16-224 spells them, so that the top-5 is a real selection.
CLASSIFICATION_LABELS = ["tabby, tabby cat", "Egyptian cat", "golden retriever", "espresso", "cup", "space shuttle",
                         "missile", "mountain bike, all-terrain bike, off-roader"]
IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]

# name -> (file in skimage/data, crop box (left, top, right, bottom) or None, licence as its docstring states)
PHOTOS = {
    "astronaut.png": ("astronaut.png", None, "public domain (NASA; 'No known copyright restrictions, released into "
                                             "the public domain')"),
    "chelsea.png": ("chelsea.png", None, "CC0 (photographer Stefan van der Walt; 'No copyright restrictions')"),
    "rocket-portrait.png": ("rocket.jpg", (200, 0, 440, 427), "public domain (SpaceX, released into the public "
                                                             "domain)"),
}
JPEG = ("chelsea.jpg", "chelsea.png", 90)  # name, made from, quality

DETR_PREPROCESSOR = {  # facebook/detr-resnet-50's, spelled out as DetrImageProcessor saves it
    "do_convert_annotations": True, "do_normalize": True, "do_pad": True, "do_rescale": True, "do_resize": True,
    "format": "coco_detection", "image_mean": IMAGENET_MEAN, "image_processor_type": "DetrImageProcessor",
    "image_std": IMAGENET_STD, "resample": 2, "rescale_factor": 1 / 255,
    "size": {"longest_edge": 1333, "shortest_edge": 800}}
YOLOS_PREPROCESSOR = {  # hustvl/yolos-tiny's (size 512, max_size 1333 in its legacy spelling), see the README
    "do_convert_annotations": True, "do_normalize": True, "do_pad": True, "do_rescale": True, "do_resize": True,
    "format": "coco_detection", "image_mean": IMAGENET_MEAN, "image_processor_type": "YolosImageProcessor",
    "image_std": IMAGENET_STD, "resample": 2, "rescale_factor": 1 / 255,
    "size": {"longest_edge": 1333, "shortest_edge": 512}}
VIT_PREPROCESSOR = {  # google/vit-base-patch16-224's
    "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5],
    "image_processor_type": "ViTImageProcessor", "image_std": [0.5, 0.5, 0.5], "resample": 2,
    "rescale_factor": 1 / 255, "size": {"height": 224, "width": 224}}

# DETR's sine position embedding is behind an lru_cache keyed on the mask tensor's identity; a freed mask's id can
# come back with other contents. The reference runs use the plain function (same arithmetic, no cache).
modeling_detr.DetrSinePositionEmbedding.build_sine_position_embedding = staticmethod(
    modeling_detr.DetrSinePositionEmbedding.build_sine_position_embedding.__wrapped__)


def versions() -> dict:
    out = {"python": platform.python_version(), "torch": torch.__version__, "transformers": transformers.__version__,
           "onnx": onnx.__version__, "onnxruntime": ort.__version__, "numpy": np.__version__,
           "pillow": PIL.__version__, "scikit-image": skimage.__version__}
    if torchvision is not None:
        out["torchvision"] = torchvision.__version__
    return out


def f32(value) -> float:
    return float(np.float32(value))


def write_f32(directory: pathlib.Path, name: str, array) -> dict:
    array = np.ascontiguousarray(np.asarray(array, dtype=np.float32))
    (directory / name).write_bytes(array.astype("<f4").tobytes())
    return {"file": name, "shape": list(array.shape)}


# ---------------------------------------------------------------------------------------------------------- photos

def write_images() -> dict:
    """Re-encodes the photos without metadata (no ICC profile, gamma or text chunks), so any decoder sees the same
    8-bit sRGB values; returns name -> provenance."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    provenance = {}
    for name, (source, crop, licence) in PHOTOS.items():
        image = Image.open(SKIMAGE_DATA / source).convert("RGB")
        if crop is not None:
            image = image.crop(crop)
        Image.fromarray(np.asarray(image)).save(IMAGES / name, format="PNG", optimize=True)
        provenance[name] = {"source": f"scikit-image {skimage.__version__}, skimage/data/{source}",
                            "crop_left_top_right_bottom": list(crop) if crop else None, "licence": licence}
    name, made_from, quality = JPEG
    Image.open(IMAGES / made_from).save(IMAGES / name, format="JPEG", quality=quality)
    provenance[name] = dict(provenance[made_from], encoded_from=made_from,
                            jpeg=f"PIL {PIL.__version__}, quality {quality}, 4:2:0 chroma subsampling, baseline")
    for name, entry in provenance.items():
        data = (IMAGES / name).read_bytes()
        with Image.open(IMAGES / name) as image:
            entry.update(width=image.width, height=image.height, bytes=len(data),
                         sha256=hashlib.sha256(data).hexdigest())
    return provenance


def load_photo(name: str) -> Image.Image:
    with Image.open(IMAGES / name) as image:
        return image.convert("RGB")


def small_input(name: str, height: int, width: int, mean, std) -> torch.Tensor:
    """A photo resized with PIL (bilinear) and normalised: [3, height, width]."""
    pixels = np.asarray(load_photo(name).resize((width, height), Image.BILINEAR), dtype=np.float32) / 255
    return torch.from_numpy(((pixels - np.float32(mean)) / np.float32(std)).transpose(2, 0, 1).copy())


def calibration_batch(mean, std, size=(256, 256)) -> torch.Tensor:
    return torch.stack([small_input(name, *size, mean, std) for name in PHOTOS])


# ---------------------------------------------------------------------------------------------------------- weights

def randomize(model: torch.nn.Module, generator: torch.Generator) -> None:
    """Random weights that keep activations at unit scale (the Hugging Face inits use std 0.02, under which every
    query and class looks alike), and non-trivial norm parameters so that gamma, beta and the batch-norm
    statistics are all exercised."""
    embeddings = {f"{n}.weight" for n, m in model.named_modules() if isinstance(m, torch.nn.Embedding)}
    with torch.no_grad():
        for name, tensor in list(model.named_parameters()) + list(model.named_buffers()):
            if not tensor.is_floating_point():
                continue
            leaf = name.rsplit(".", 1)[-1]
            if name in embeddings or leaf in ("cls_token", "detection_tokens", "position_embeddings"):
                value = torch.randn(tensor.shape, generator=generator)
            elif leaf == "weight" and tensor.dim() >= 2:
                value = torch.randn(tensor.shape, generator=generator) / math.sqrt(tensor[0].numel())
            elif leaf == "weight":  # layer / batch norm scale
                value = 1 + 0.1 * torch.randn(tensor.shape, generator=generator)
            elif leaf in ("bias", "running_mean"):
                value = 0.1 * torch.randn(tensor.shape, generator=generator)
            elif leaf == "running_var":
                value = 0.5 + torch.rand(tensor.shape, generator=generator)
            else:
                raise ValueError(f"no rule for {name}")
            tensor.copy_(value)


def calibrate_batch_norms(model: torch.nn.Module, run, norm_type) -> None:
    """Sets each frozen batch norm's statistics from its own input while `run` passes data through, as training
    would have."""
    def set_statistics(module, inputs):
        x = inputs[0]
        module.running_mean.copy_(x.mean((0, 2, 3)))
        module.running_var.copy_(x.var((0, 2, 3), unbiased=False).clamp_min(1e-2))

    hooks = [m.register_forward_pre_hook(set_statistics) for m in model.modules() if isinstance(m, norm_type)]
    with torch.no_grad():
        run()
    for hook in hooks:
        hook.remove()


def standardize_linear(linear: torch.nn.Linear, run, means, stds) -> None:
    """Rescales a Linear's output features so that over the inputs `run` feeds it, output j has mean means[j] and
    standard deviation stds[j] (the rows of weight scale; the bias moves)."""
    seen = []
    hook = linear.register_forward_hook(lambda module, inputs, output: seen.append(output.detach().flatten(0, -2)))
    with torch.no_grad():
        run()
    hook.remove()
    outputs = torch.cat(seen)
    scale = torch.tensor(stds) / outputs.std(0)
    with torch.no_grad():
        shift = outputs.mean(0) - linear.bias
        linear.weight.mul_(scale[:, None])
        linear.bias.copy_(torch.tensor(means) - scale * shift)


def center_linear(linear: torch.nn.Linear, run) -> None:
    """Moves a Linear's bias so that its outputs average zero over the inputs `run` feeds it."""
    seen = []
    hook = linear.register_forward_hook(lambda module, inputs, output: seen.append(output.detach().flatten(0, -2)))
    with torch.no_grad():
        run()
        hook.remove()
        linear.bias.sub_(torch.cat(seen).mean(0))


def label_maps(labels):
    return {i: label for i, label in enumerate(labels)}, {label: i for i, label in enumerate(labels)}


# Pre-sigmoid box targets: centres spread around the image centre, widths/heights around 0.3 of the image.
BOX_MEANS, BOX_STDS = [0.0, 0.0, -0.85, -0.85], [0.8, 0.8, 0.5, 0.5]
CLASS_LOGIT_STD = 1.5
DETECTION_THRESHOLD = 0.55  # keeps 6 of DETR's 10 queries and 4 of YOLOS's on the parity inputs


def make_detr() -> DetrForObjectDetection:
    torch.manual_seed(SEED)
    id2label, label2id = label_maps(DETECTION_LABELS)
    backbone = ResNetConfig(num_channels=3, embedding_size=8, hidden_sizes=[8, 16, 24, 32], depths=[1, 1, 1, 1],
                            layer_type="basic", out_features=["stage4"])
    config = DetrConfig(backbone_config=backbone, use_timm_backbone=False, use_pretrained_backbone=False,
                        d_model=32, encoder_layers=1, decoder_layers=2, encoder_attention_heads=2,
                        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, num_queries=10,
                        id2label=id2label, label2id=label2id, architectures=["DetrForObjectDetection"])
    model = DetrForObjectDetection(config).eval()
    randomize(model, torch.Generator().manual_seed(SEED))
    batch = calibration_batch(IMAGENET_MEAN, IMAGENET_STD)
    mask = torch.ones(batch.shape[0], *batch.shape[2:], dtype=torch.long)
    calibrate_batch_norms(model, lambda: model.model.backbone(batch, mask), modeling_detr.DetrFrozenBatchNorm2d)
    run = lambda: model(pixel_values=batch, pixel_mask=mask)  # noqa: E731
    # The decoder's queries start equal (zeros) and differ only by where they attend: sharper cross-attention
    # (each query reads its own part of the image), values centred over the photos and a stronger cross-attention
    # output (so that what the query read, not what all queries share, dominates its state).
    for layer in model.model.decoder.layers:
        with torch.no_grad():
            layer.encoder_attn.q_proj.weight.mul_(4.0)
            layer.encoder_attn.o_proj.weight.mul_(3.0)
        center_linear(layer.encoder_attn.v_proj, run)
    standardize_linear(model.class_labels_classifier, run, [0.0] * 6, [CLASS_LOGIT_STD] * 6)
    standardize_linear(model.bbox_predictor.layers[-1], run, BOX_MEANS, BOX_STDS)
    return model


def make_yolos() -> YolosForObjectDetection:
    torch.manual_seed(SEED)
    id2label, label2id = label_maps(DETECTION_LABELS)
    config = YolosConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                         image_size=[800, 1333], patch_size=16, num_detection_tokens=10,
                         use_mid_position_embeddings=False, id2label=id2label, label2id=label2id,
                         architectures=["YolosForObjectDetection"])
    model = YolosForObjectDetection(config).eval()
    randomize(model, torch.Generator().manual_seed(SEED + 1))
    batch = calibration_batch(IMAGENET_MEAN, IMAGENET_STD)
    run = lambda: model(pixel_values=batch)  # noqa: E731
    standardize_linear(model.class_labels_classifier.layers[-1], run, [0.0] * 6, [CLASS_LOGIT_STD] * 6)
    standardize_linear(model.bbox_predictor.layers[-1], run, BOX_MEANS, BOX_STDS)
    return model


def make_vit() -> ViTForImageClassification:
    torch.manual_seed(SEED)
    id2label, label2id = label_maps(CLASSIFICATION_LABELS)
    config = ViTConfig(image_size=224, patch_size=16, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=64, id2label=id2label, label2id=label2id,
                       architectures=["ViTForImageClassification"])
    model = ViTForImageClassification(config).eval()
    randomize(model, torch.Generator().manual_seed(SEED + 2))
    with torch.no_grad():  # logits with a spread of about 2 across labels
        model.classifier.weight.mul_(2.0)
    return model


# ---------------------------------------------------------------------------------------------------------- export

class Outputs(torch.nn.Module):
    """The model with positional inputs and (logits, pred_boxes) or (logits,) as a tuple, for the exporter."""

    def __init__(self, model, input_names, output_names):
        super().__init__()
        self.model, self.input_names, self.output_names = model, input_names, output_names

    def forward(self, *inputs):
        out = self.model(**dict(zip(self.input_names, inputs)))
        return tuple(getattr(out, name) for name in self.output_names)


def export(model, out_dir: pathlib.Path, example, input_names, output_names, dynamic_axes, checks) -> dict:
    """Exports to out_dir/onnx/model.onnx and checks onnxruntime against PyTorch on `checks` (lists of inputs):
    max abs error <= MAX_ONNX_ERROR per unit of the output's scale (max |PyTorch output|, at least 1): float32
    rounding, amplified where the heads were standardised, is the only difference allowed; a wrong graph is off by
    orders of magnitude more. Returns the max abs error and the scale per output over all checks."""
    wrapper = Outputs(model, input_names, output_names).eval()
    path = out_dir / "onnx/model.onnx"
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(wrapper, tuple(example), path, dynamo=False, opset_version=17, input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic_axes)
    wrapper.eval()  # the exporter puts back the wrapper's training flag, and with it its children's
    onnx.checker.check_model(onnx.load(path))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    errors = {name: {"max_abs_error": 0.0, "max_abs_value": 0.0} for name in output_names}
    for inputs in checks:
        with torch.no_grad():
            expected = wrapper(*inputs)
        got = session.run(output_names, {n: t.numpy() for n, t in zip(input_names, inputs)})
        for name, e, g in zip(output_names, expected, got):
            assert tuple(e.shape) == g.shape, (name, e.shape, g.shape)
            entry = errors[name]
            entry["max_abs_error"] = max(entry["max_abs_error"], float(np.abs(e.numpy() - g).max()))
            entry["max_abs_value"] = max(entry["max_abs_value"], float(e.abs().max()))
    print(f"{out_dir.name}: ONNX vs PyTorch {errors}")
    for name, entry in errors.items():
        assert entry["max_abs_error"] <= MAX_ONNX_ERROR * max(1.0, entry["max_abs_value"]), \
            f"{out_dir.name}: ONNX {name} differs from PyTorch: {entry}"
    return errors


def graph_signature(path: pathlib.Path) -> dict:
    graph = onnx.load(path).graph

    def dims(value):
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]

    def kind(value):
        return onnx.helper.tensor_dtype_to_np_dtype(value.type.tensor_type.elem_type).name

    return {"inputs": {v.name: {"shape": dims(v), "dtype": kind(v)} for v in graph.input},
            "outputs": {v.name: {"shape": dims(v), "dtype": kind(v)} for v in graph.output},
            "opset": 17, "bytes": path.stat().st_size}


def write_model_files(model, out_dir: pathlib.Path, preprocessor: dict) -> None:
    model.config.save_pretrained(out_dir)
    (out_dir / "preprocessor_config.json").write_text(json.dumps(preprocessor, indent=2) + "\n")


# ---------------------------------------------------------------------------------------------------------- references

def preprocess_references(out_dir: pathlib.Path, slow_class, fast_class, with_mask: bool, stride: int) -> dict:
    """Runs the PIL image processor (the primary reference) from out_dir's preprocessor_config.json on every photo;
    stores pixel_values (sub-sampled [:, ::stride, ::stride] of the unpadded region where stride > 1) and compares
    with the torchvision processor where available."""
    reference_dir = out_dir / "reference"
    slow = slow_class.from_pretrained(out_dir)
    fast = fast_class.from_pretrained(out_dir) if torchvision is not None else None
    entries = []
    slow_results = {}
    for name in [*PHOTOS, JPEG[0]]:
        image = load_photo(name)
        result = slow(image, return_tensors="np")
        values = result["pixel_values"][0]
        assert values.dtype == np.float32
        height, width = values.shape[1:]
        if with_mask:  # one image alone: padded to its own size, mask all ones
            mask = result["pixel_mask"][0]
            assert mask.shape == (height, width) and mask.dtype == np.int64 and mask.min() == 1
        slow_results[name] = values
        stem = name.replace(".", "_")
        entry = {"image": f"images/{name}", "original_size": [image.height, image.width],
                 "resized_size": [int(height), int(width)], "padded_size": [int(height), int(width)]}
        if stride > 1:
            entry["pixel_values"] = dict(write_f32(reference_dir, f"preprocess.{stem}.pixel_values.f32",
                                                   values[:, ::stride, ::stride]),
                                         slice=f"[:, ::{stride}, ::{stride}] of pixel_values[0], unpadded region")
        else:
            entry["pixel_values"] = dict(write_f32(reference_dir, f"preprocess.{stem}.pixel_values.f32", values),
                                         slice="pixel_values[0], complete")
        if with_mask:
            entry["pixel_mask"] = "all ones, [resized_size] (a single image is padded to its own size)"
        if fast is not None:
            fast_values = fast(image, return_tensors="pt")["pixel_values"][0].numpy()
            if fast_values.shape == values.shape:
                difference = np.abs(fast_values - values)
                entry["slow_vs_fast"] = {"mean_abs_diff": float(difference.mean()),
                                         "max_abs_diff": float(difference.max())}
            else:
                entry["slow_vs_fast"] = {"fast_resized_size": list(fast_values.shape[1:])}
        entries.append(entry)
        print(f"{out_dir.name} preprocess {name}: {image.height}x{image.width} -> {height}x{width}"
              f" {entry.get('slow_vs_fast', '')}")
    section = {"processor": f"transformers.{slow_class.__name__} (PIL backend, the primary reference), "
                            "from this directory's preprocessor_config.json, one image per call",
               "fast_processor": (f"transformers.{fast_class.__name__} (torchvision backend), compared only"
                                  if fast is not None else "torchvision not installed: not compared"),
               "images": entries}
    if with_mask:  # all photos in one call: padded to the largest height and width, masks mark each image
        names = [*PHOTOS, JPEG[0]]
        batch = slow([load_photo(n) for n in names], return_tensors="np")
        padded = list(batch["pixel_values"].shape[2:])
        for i, name in enumerate(names):
            h, w = slow_results[name].shape[1:]
            assert np.array_equal(batch["pixel_values"][i][:, :h, :w], slow_results[name])
            assert batch["pixel_values"][i][:, h:, :].max(initial=0) == 0 and batch["pixel_mask"][i][:h, :w].min() == 1
            assert batch["pixel_mask"][i].sum() == h * w
        section["batch"] = {"images": [f"images/{n}" for n in names], "padded_size": padded,
                            "note": "each image's values as alone, padded bottom/right with 0.0; pixel_mask 1 on "
                                    "[:resized_height, :resized_width], 0 elsewhere"}
    return section


def detection_postprocess(processor, outputs, threshold, target_size, reference_dir, labels) -> dict:
    results = processor.post_process_object_detection(outputs, threshold=threshold, target_sizes=[target_size])[0]
    probabilities = outputs.logits.softmax(-1)[0, :, :-1]
    scores = probabilities.max(-1).values
    kept = int((scores > threshold).sum())
    assert 2 <= kept < scores.numel(), f"{kept} of {scores.numel()} queries pass {threshold}: pick other scales"
    assert float((scores - threshold).abs().min()) > 1e-2, "a score is within 0.01 of the threshold"
    top2 = probabilities.topk(2, -1).values
    assert float((top2[:, 0] - top2[:, 1]).min()) > 1e-4, "a query's two best labels nearly tie"
    ids = results["labels"].tolist()
    print(f"  post-process threshold {threshold}: {kept} of {scores.numel()} queries, labels {ids}")
    return {
        "function": f"transformers.{type(processor).__name__}.post_process_object_detection",
        "threshold": threshold, "target_size": list(target_size), "count": len(ids),
        "labels": ids, "label_names": [labels[i] for i in ids],
        "scores": dict(write_f32(reference_dir, "postprocess.scores.f32", results["scores"].numpy()),
                       values=[f32(v) for v in results["scores"].tolist()]),
        "boxes": dict(write_f32(reference_dir, "postprocess.boxes.f32", results["boxes"].numpy()),
                      format="xyxy, pixels of target_size (not clipped)",
                      values=[[f32(v) for v in box] for box in results["boxes"].tolist()]),
        "queries_in_order": "ascending query index (post_process keeps the queries' order)",
        "min_score_distance_to_threshold": float((scores - threshold).abs().min()),
    }


def write_manifest(out_dir: pathlib.Path, manifest: dict) -> None:
    (out_dir / "reference/reference.json").write_text(json.dumps(manifest, indent=1) + "\n")


def produced_by() -> dict:
    return {"script": "models/tools/export_vision_fixtures.py", "seed": SEED, "versions": versions(),
            "f32": "raw little-endian float32, row-major, no header; shapes here"}


def write_detector_manifest(out_dir, pil_processor, fast_processor, outputs, errors, inputs, produced, checked_also_at):
    """reference.json of a detector fixture: parity input and outputs, post-processing, preprocessing."""
    reference_dir = out_dir / "reference"
    manifest = {
        "produced_by": produced_by(),
        "onnx": graph_signature(out_dir / "onnx/model.onnx"),
        "parity": {
            "inputs": inputs,
            "outputs": {"logits": write_f32(reference_dir, "parity.logits.f32", outputs.logits),
                        "pred_boxes": write_f32(reference_dir, "parity.pred_boxes.f32", outputs.pred_boxes)},
            "produced_by": produced,
            "onnx_vs_pytorch_max_abs_error": errors,
            "onnx_checked_also_at": checked_also_at,
            "suggested_tolerance": 1e-4},
        "postprocess": detection_postprocess(pil_processor.from_pretrained(out_dir), outputs, DETECTION_THRESHOLD,
                                             (300, 451), reference_dir, DETECTION_LABELS),
        "preprocess": preprocess_references(out_dir, pil_processor, fast_processor, True, 4),
    }
    manifest["postprocess"]["target_size_note"] = "images/chelsea.png's size, the image the parity input shows"
    write_manifest(out_dir, manifest)


def make_detr_fixture() -> None:
    out_dir = FIXTURES / "detr-tiny-random"
    (out_dir / "reference").mkdir(parents=True, exist_ok=True)
    model = make_detr()
    write_model_files(model, out_dir, DETR_PREPROCESSOR)
    # Parity input: chelsea resized to 64x96 at the top left of a 96x128 canvas padded with zeros, as a batch of
    # differently sized images is padded; the mask's zero region is large enough to reach the 3x4 feature map.
    pixel_values = torch.zeros(1, 3, 96, 128)
    pixel_values[0, :, :64, :96] = small_input("chelsea.png", 64, 96, IMAGENET_MEAN, IMAGENET_STD)
    pixel_mask = torch.zeros(1, 96, 128, dtype=torch.long)
    pixel_mask[:, :64, :96] = 1
    # Another batch size and size: astronaut 160x160 and rocket-portrait 128x72, padded to 160x160.
    other = torch.zeros(2, 3, 160, 160)
    other[0] = small_input("astronaut.png", 160, 160, IMAGENET_MEAN, IMAGENET_STD)
    other[1, :, :128, :72] = small_input("rocket-portrait.png", 128, 72, IMAGENET_MEAN, IMAGENET_STD)
    other_mask = torch.zeros(2, 160, 160, dtype=torch.long)
    other_mask[0] = 1
    other_mask[1, :128, :72] = 1
    names = ["pixel_values", "pixel_mask"]
    errors = export(model, out_dir, (pixel_values, pixel_mask), names, ["logits", "pred_boxes"],
                    {"pixel_values": {0: "batch_size", 2: "height", 3: "width"},
                     "pixel_mask": {0: "batch_size", 1: "height", 2: "width"},
                     "logits": {0: "batch_size", 1: "num_queries"},
                     "pred_boxes": {0: "batch_size", 1: "num_queries"}},
                    [(pixel_values, pixel_mask), (other, other_mask)])
    with torch.no_grad():
        outputs = model(pixel_values=pixel_values, pixel_mask=pixel_mask)
    write_detector_manifest(out_dir, DetrImageProcessorPil, DetrImageProcessor, outputs, errors, {
        "pixel_values": dict(write_f32(out_dir / "reference", "parity.pixel_values.f32", pixel_values),
                             content="images/chelsea.png resized to 64x96 (PIL bilinear), ImageNet-"
                                     "normalised, at [:, :, :64, :96]; 0.0 elsewhere"),
        "pixel_mask": {"shape": [1, 96, 128], "dtype": "int64",
                       "content": "1 on [:, :64, :96], 0 elsewhere"}},
        "DetrForObjectDetection (PyTorch, eager)",
        "batch 2 x 160 x 160: astronaut 160x160, rocket-portrait 128x72 padded (mask)")


def make_yolos_fixture() -> None:
    out_dir = FIXTURES / "yolos-tiny-random"
    (out_dir / "reference").mkdir(parents=True, exist_ok=True)
    model = make_yolos()
    write_model_files(model, out_dir, YOLOS_PREPROCESSOR)
    pixel_values = small_input("chelsea.png", 96, 144, IMAGENET_MEAN, IMAGENET_STD)[None]
    generator = torch.Generator().manual_seed(SEED)
    other = torch.randn((2, 3, 160, 112), generator=generator)
    odd = torch.randn((1, 3, 100, 75), generator=generator)  # not multiples of 16: the patch conv drops the rest
    errors = export(model, out_dir, (pixel_values,), ["pixel_values"], ["logits", "pred_boxes"],
                    {"pixel_values": {0: "batch_size", 2: "height", 3: "width"},
                     "logits": {0: "batch_size", 1: "num_queries"},
                     "pred_boxes": {0: "batch_size", 1: "num_queries"}},
                    [(pixel_values,), (other,), (odd,)])
    with torch.no_grad():
        outputs = model(pixel_values=pixel_values)
    write_detector_manifest(out_dir, YolosImageProcessorPil, YolosImageProcessor, outputs, errors, {
        "pixel_values": dict(write_f32(out_dir / "reference", "parity.pixel_values.f32", pixel_values),
                             content="images/chelsea.png resized to 96x144 (PIL bilinear), ImageNet-normalised")},
        "YolosForObjectDetection (PyTorch, eager)", "batch 2 x 160 x 112 and 1 x 100 x 75")


def make_vit_fixture() -> None:
    out_dir = FIXTURES / "vit-tiny-random"
    (out_dir / "reference").mkdir(parents=True, exist_ok=True)
    model = make_vit()
    write_model_files(model, out_dir, VIT_PREPROCESSOR)
    reference_dir = out_dir / "reference"
    # The preprocessing references first: the parity input is chelsea.png's, as the PIL processor makes it.
    preprocess = preprocess_references(out_dir, ViTImageProcessorPil,
                                       ViTImageProcessor if torchvision is not None else None, False, 1)
    pixel_values = torch.from_numpy(ViTImageProcessorPil.from_pretrained(out_dir)(
        load_photo("chelsea.png"), return_tensors="np")["pixel_values"])
    generator = torch.Generator().manual_seed(SEED)
    other = torch.randn((3, 3, 224, 224), generator=generator)
    errors = export(model, out_dir, (pixel_values,), ["pixel_values"], ["logits"],
                    {"pixel_values": {0: "batch_size"}, "logits": {0: "batch_size"}}, [(pixel_values,), (other,)])
    with torch.no_grad():
        logits = model(pixel_values=pixel_values).logits
    probabilities = logits.softmax(-1)[0]
    top = probabilities.topk(6)
    assert float((top.values[:-1] - top.values[1:]).min()) > 1e-4, "top-6 probabilities nearly tie"
    ids = top.indices[:5].tolist()
    print(f"  top-5 {ids} {[round(f32(v), 4) for v in top.values[:5].tolist()]}")
    manifest = {
        "produced_by": produced_by(),
        "onnx": graph_signature(out_dir / "onnx/model.onnx"),
        "parity": {
            "inputs": {"pixel_values": {"file": "preprocess.chelsea_png.pixel_values.f32", "shape": [1, 3, 224, 224],
                                        "content": "images/chelsea.png through ViTImageProcessorPil (the "
                                                   "preprocessing reference's file)"}},
            "outputs": {"logits": write_f32(reference_dir, "parity.logits.f32", logits)},
            "produced_by": "ViTForImageClassification (PyTorch, eager)",
            "onnx_vs_pytorch_max_abs_error": errors,
            "onnx_checked_also_at": "batch 3",
            "suggested_tolerance": 1e-4},
        "postprocess": {
            "function": "softmax over logits[0], top 5 (torch.topk)", "k": 5,
            "labels": ids, "label_names": [CLASSIFICATION_LABELS[i] for i in ids],
            "scores": [f32(v) for v in top.values[:5].tolist()],
            "min_gap_between_consecutive_top6_scores": float((top.values[:-1] - top.values[1:]).min())},
        "preprocess": preprocess,
    }
    write_manifest(out_dir, manifest)


def main() -> None:
    torch.set_num_threads(1)
    provenance = write_images()
    for name, entry in provenance.items():
        print(name, json.dumps(entry))
    make_detr_fixture()
    make_yolos_fixture()
    make_vit_fixture()


if __name__ == "__main__":
    main()
