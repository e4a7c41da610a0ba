import HeraldCore

extension DeliveryEvent {
    /// The event as the JSON its Codable form writes with `HeraldJSON` (snake_case keys, sorted, absent
    /// fields left out), without Foundation's encoder: with live-tail clients connected every event is
    /// encoded, and the encoder was a sixth of the daemon's CPU during a campaign.
    public var json: String {
        var out = ""
        appendJSON(to: &out)
        return out
    }

    /// `json` appended to `out`, for a caller building a larger text (a Server-Sent Events frame).
    public func appendJSON(to out: inout String) {
        out.append("{\"at\":\"")
        out.append(FastJSON.timestamp(at))
        out.append("\"")
        if let attempt {
            out.append(",\"attempt\":")
            out.append(String(attempt))
        }
        out.append(",\"channel\":\"")
        out.append(channel.rawValue)
        out.append("\",\"contact_id\":")
        FastJSON.appendString(contactId, to: &out)
        if let deliveryId {
            out.append(",\"delivery_id\":")
            out.append(String(deliveryId))
        }
        if let detail {
            out.append(",\"detail\":")
            FastJSON.appendString(detail, to: &out)
        }
        if let instance {
            out.append(",\"instance\":")
            FastJSON.appendString(instance, to: &out)
        }
        out.append(",\"job_id\":")
        out.append(String(jobId))
        if let notBefore {
            out.append(",\"not_before\":\"")
            out.append(FastJSON.timestamp(notBefore))
            out.append("\"")
        }
        if let reason {
            out.append(",\"reason\":\"")
            out.append(reason.rawValue)
            out.append("\"")
        }
        out.append(",\"seq\":")
        out.append(String(seq))
        out.append(",\"state\":\"")
        out.append(state.rawValue)
        out.append("\"}")
    }
}
