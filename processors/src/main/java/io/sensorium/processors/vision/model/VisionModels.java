package io.sensorium.processors.vision.model;

import io.sensorium.processors.onnx.SharedModels;
import java.nio.file.Path;

/** The vision models loaded in this JVM, shared by every task that runs one (see {@link SharedModels}). */
public final class VisionModels {
    private static final SharedModels<VisionModel.Options, VisionModel> LOADED = new SharedModels<>(VisionModel::load);

    private VisionModels() {}

    /** A counted reference to a shared vision model; closing it releases this reference only. */
    public static SharedModels.Handle<VisionModel> acquire(Path dir, VisionModel.Options options) {
        return LOADED.acquire(dir, options);
    }
}
