extension KeyedDecodingContainer {
    /// A small integer field (a priority, a version), a fraction refused as that field's fault: Foundation's
    /// decoder reports `5.5` sent for an `Int` as a body that is not JSON at all, naming no field.
    func decodeWholeNumberIfPresent(forKey key: Key) throws -> Int? {
        guard let number = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard let whole = Int(exactly: number) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must be a whole number")
        }
        return whole
    }
}
