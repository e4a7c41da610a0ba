import Foundation

/// Turns decoding failures into 400s that name the offending field in snake_case.
public enum DecodingErrors {
    public static func heraldError(_ error: any Error, prefix: String = "") -> HeraldError {
        if let herald = error as? HeraldError { return herald }
        guard let decoding = error as? DecodingError else {
            return HeraldError(code: "invalid_json", message: "the body is not valid JSON")
        }
        switch decoding {
        case .typeMismatch(let type, let context):
            return .invalid(field(prefix, context.codingPath), "expected \(describe(type))", code: "invalid_type")
        case .valueNotFound(let type, let context):
            return .invalid(field(prefix, context.codingPath), "expected \(describe(type)), got null", code: "invalid_type")
        case .keyNotFound(let key, let context):
            return .invalid(field(prefix, context.codingPath + [key]), "is required", code: "missing_field")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return HeraldError(code: "invalid_json", message: "the body is not valid JSON")
            }
            return .invalid(field(prefix, context.codingPath), publicMessage(context.debugDescription), code: "invalid_value")
        @unknown default:
            return HeraldError(code: "invalid_json", message: "the body could not be read")
        }
    }

    /// Herald's own decoders explain a refusal in lower case ("expected an RFC 3339 timestamp");
    /// Foundation's messages start with a capital and name Swift types ("Cannot initialize ConsentStatus
    /// from invalid String value …"), which callers have no use for.
    static func publicMessage(_ debugDescription: String) -> String {
        guard let first = debugDescription.first, first.isLowercase else { return "is not an allowed value" }
        return debugDescription
    }

    static func field(_ prefix: String, _ path: [any CodingKey]) -> String {
        var text = prefix
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + fieldName(key.stringValue)
            }
        }
        return text
    }

    /// A property name back in snake_case; a key that cannot be one (a locale tag such as `pt-BR`, a
    /// map key written in capitals) is shown as sent.
    static func fieldName(_ key: String) -> String {
        guard key.first?.isLowercase == true, key.allSatisfy({ $0.isLetter || $0.isNumber }) else { return key }
        return snakeCase(key)
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is Date.Type: "an RFC 3339 timestamp"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object or value of the documented type"
        }
    }
}
