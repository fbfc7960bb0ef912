// Placeholder so the target builds; replaced as the Articles module lands.
public enum ArticlesModule { public static let name = "Articles" }
