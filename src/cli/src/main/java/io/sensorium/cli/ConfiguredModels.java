package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.vision.model.VisionModel;
import io.sensorium.processors.vision.model.VisionModels;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The models the configuration names, as every command that runs a stage finds them ({@code transcribe},
 * {@code detect}, {@code process}, {@code reprocess}): a directory that is not there is a usage error saying how to
 * get one, before any broker or stage starts.
 */
final class ConfiguredModels {
    private ConfiguredModels() {}

    /** The configured Whisper model directory, or a usage error saying how to get one. */
    static Path whisper(SensoriumConfig config) {
        return existing(config.speech().model(), "Whisper", "tiny.en", "");
    }

    /** The configured vision model directory, or a usage error saying how to get one. */
    static Path vision(SensoriumConfig config) {
        return existing(config.vision().model(), "vision", "detr-resnet-50",
                " (Hugging Face ONNX layout: onnx/model.onnx, config.json, preprocessor_config.json)");
    }

    private static Path existing(Path model, String kind, String example, String layout) {
        if (!Files.isDirectory(model)) {
            throw new UserFacingError("no " + kind + " model at " + model + ": get one with `./sensorium models pull "
                    + example + "` or give --model DIR" + layout, UserFacingError.USAGE);
        }
        return model;
    }

    /** The configured vision model, loaded (or shared with the tasks that already hold it) on its device. */
    static SharedModels.Handle<VisionModel> openVision(SensoriumConfig config) {
        SensoriumConfig.Vision vision = config.vision();
        return VisionModels.acquire(vision(config),
                VisionModel.Options.forDevice(vision.device(), Math.max(1, vision.threads())));
    }
}
