// Placeholder so the target builds; replaced as the Store module lands.
public enum StoreModule { public static let name = "Store" }
