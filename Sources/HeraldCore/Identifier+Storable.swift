/// What a store checks before it binds text columns: intake already refused these values, so this only
/// stops a caller that skipped intake from having a value cut short instead of refused.
extension Contact {
    public func checkStorable() throws(HeraldError) {
        try Identifier.validate(id, field: "id")
        if let phone { try Identifier.validateText(phone, field: "phone") }
    }
}

extension ConsentInput {
    public func checkStorable() throws(HeraldError) {
        try Identifier.validate(contactId, field: "contact_id")
        try Identifier.validate(topic, field: "topic", maxLength: Identifier.topicMaxLength)
        try Identifier.validateText(channel, field: "channel")
        try Identifier.validateText(source, field: "source")
        if let actor { try Identifier.validateText(actor, field: "actor") }
    }
}
