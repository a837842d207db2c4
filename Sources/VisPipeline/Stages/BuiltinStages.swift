/// The stage types vispipe ships with.
public enum BuiltinStages {
    /// Every built-in stage type, in the order they usually appear in a pipeline.
    public static var all: [StageType] {
        [
            DecodeStage.stageType,
            ResizeStage.stageType,
            DetrStage.stageType,
            FilterDetectionsStage.stageType,
            NonMaximumSuppressionStage.stageType,
            DrawDetectionsStage.stageType,
            DrawMaskStage.stageType,
        ]
    }

    /// A registry holding every built-in stage type.
    public static var registry: StageRegistry { StageRegistry(all) }
}
