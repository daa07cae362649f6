/// The phases of one probe run, in seconds, as blackbox_exporter names them. A phase the run did
/// not reach (after a failure, or `tls` over plain HTTP) is 0.
public struct ProbePhases: Sendable, Equatable {
    public var resolve: Double
    public var connect: Double
    public var tls: Double
    public var processing: Double
    public var transfer: Double

    public init(resolve: Double = 0, connect: Double = 0, tls: Double = 0, processing: Double = 0, transfer: Double = 0) {
        self.resolve = resolve
        self.connect = connect
        self.tls = tls
        self.processing = processing
        self.transfer = transfer
    }

    /// The `phase` label values, in order.
    public static let names = ["resolve", "connect", "tls", "processing", "transfer"]

    /// The values in `names` order.
    public var values: [Double] { [resolve, connect, tls, processing, transfer] }

    /// From curl's cumulative times: resolve = NAMELOOKUP; connect = CONNECT − NAMELOOKUP;
    /// tls = APPCONNECT − CONNECT; processing = STARTTRANSFER − PRETRANSFER; transfer = TOTAL −
    /// STARTTRANSFER. A difference whose later mark is 0 (not reached) is 0; none is negative.
    init(_ t: CurlTimings) {
        func span(_ end: Double, _ start: Double) -> Double { end > 0 ? max(0, end - start) : 0 }
        self.init(resolve: max(0, t.nameLookup),
                  connect: span(t.connect, t.nameLookup),
                  tls: span(t.appConnect, t.connect),
                  processing: span(t.startTransfer, t.preTransfer),
                  transfer: t.startTransfer > 0 ? max(0, t.total - t.startTransfer) : 0)
    }
}
