import HeraldCore

/// `/ui/delivery?id=`: the lookup form submits an empty id before one is typed, so empty shows the form;
/// anything but one delivery id (digits) is a 400 rather than a page that silently ignores it.
enum DashboardDeliveryId {
    static func parse(_ values: [String]) throws(HeraldError) -> Int64? {
        guard values.count <= 1 else { throw .invalid("id", "must be given once") }
        guard let raw = values.first, !raw.isEmpty else { return nil }
        guard raw.utf8.count <= 18, raw.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let id = Int64(raw) else {
            throw .invalid("id", "must be a delivery id (digits)")
        }
        return id
    }
}
