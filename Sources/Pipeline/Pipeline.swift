// Placeholder so the target builds; replaced as the Pipeline module lands.
public enum PipelineModule { public static let name = "Pipeline" }
