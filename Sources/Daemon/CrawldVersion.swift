/// The version `ping` reports and heartbeats carry.
public enum CrawldVersion {
    public static let current = "0.1.0"
}
