// Placeholder so the target builds; replaced as the Config module lands.
public enum ConfigModule { public static let name = "Config" }
