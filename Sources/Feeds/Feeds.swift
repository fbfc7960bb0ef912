// Placeholder so the target builds; replaced as the Feeds module lands.
public enum FeedsModule { public static let name = "Feeds" }
