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
        Path model = config.speech().model();
        if (!Files.isDirectory(model)) {
            throw new UserFacingError("no Whisper model at " + model + ": get one with `./sensorium models pull tiny.en`"
                    + " or give --model DIR", UserFacingError.USAGE);
        }
        return model;
    }

    /** The configured vision model directory, or a usage error saying how to get one. */
    static Path vision(SensoriumConfig config) {
        Path model = config.vision().model();
        if (!Files.isDirectory(model)) {
            throw new UserFacingError("no vision model at " + model + ": get one with `./sensorium models pull detr-resnet-50`"
                    + " or give --model DIR (Hugging Face ONNX layout: onnx/model.onnx, config.json, preprocessor_config.json)",
                    UserFacingError.USAGE);
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
