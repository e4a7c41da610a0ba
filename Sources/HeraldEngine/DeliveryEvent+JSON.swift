import HeraldCore

extension DeliveryEvent {
    /// The event as the JSON its Codable form writes with `HeraldJSON` (snake_case keys, sorted, absent
    /// fields left out), without Foundation's encoder: with live-tail clients connected every event is
    /// encoded, and the encoder was a sixth of the daemon's CPU during a campaign.
    public var json: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `json` appended as bytes, for a caller building a larger buffer (a batch of Server-Sent Events frames).
    public func appendJSON(to out: inout [UInt8]) {
        var stamps = FastJSON.TimestampMemo()
        appendJSON(to: &out, stamps: &stamps)
    }

    /// `json` appended as bytes, its time formatted through `stamps` (a batch's events share theirs).
    public func appendJSON(to out: inout [UInt8], stamps: inout FastJSON.TimestampMemo) {
        out.append(contentsOf: #"{"at":""#.utf8)
        stamps.append(at, to: &out)
        out.append(UInt8(ascii: "\""))
        if let attempt {
            out.append(contentsOf: #","attempt":"#.utf8)
            FastJSON.appendInteger(Int64(attempt), to: &out)
        }
        out.append(contentsOf: #","channel":""#.utf8)
        out.append(contentsOf: channel.rawValue.utf8)
        out.append(contentsOf: #"","contact_id":"#.utf8)
        FastJSON.appendString(contactId, to: &out)
        if let deliveryId {
            out.append(contentsOf: #","delivery_id":"#.utf8)
            FastJSON.appendInteger(deliveryId, to: &out)
        }
        if let detail {
            out.append(contentsOf: #","detail":"#.utf8)
            FastJSON.appendString(detail, to: &out)
        }
        if let instance {
            out.append(contentsOf: #","instance":"#.utf8)
            FastJSON.appendString(instance, to: &out)
        }
        out.append(contentsOf: #","job_id":"#.utf8)
        FastJSON.appendInteger(jobId, to: &out)
        if let notBefore {
            out.append(contentsOf: #","not_before":""#.utf8)
            FastJSON.appendTimestamp(notBefore, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        if let reason {
            out.append(contentsOf: #","reason":""#.utf8)
            out.append(contentsOf: reason.rawValue.utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: #","seq":"#.utf8)
        FastJSON.appendInteger(seq, to: &out)
        out.append(contentsOf: #","state":""#.utf8)
        out.append(contentsOf: state.rawValue.utf8)
        out.append(contentsOf: #""}"#.utf8)
    }
}
