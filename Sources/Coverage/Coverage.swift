// Placeholder so the target builds; replaced as the Coverage module lands.
public enum CoverageModule { public static let name = "Coverage" }
