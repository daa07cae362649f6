/// `gatewatch check-config FILE`: validates a config file and renders the answer.
public enum ConfigCheck {
    /// `FILE: OK` and exit code 0, or every problem as `FILE:LINE: PATH: MESSAGE`, one per line,
    /// and exit code 1 (also for an unreadable file). The output has no trailing newline.
    public static func run(path: String) -> (output: String, exitCode: Int32) {
        do {
            _ = try ConfigLoader.load(path: path)
            return ("\(path): OK", 0)
        } catch {
            return (error.description, 1)
        }
    }
}
