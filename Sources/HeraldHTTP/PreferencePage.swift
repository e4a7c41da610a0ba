import HeraldCore
import HeraldPolicy

/// The preference page's HTML: no JavaScript, a real `<label>` for every checkbox, readable on a phone,
/// right-to-left for Persian and Arabic. Everything from config or the ledger is escaped.
enum PreferencePage {
    static func form(_ choices: PreferenceChoices, token: String, strings: PreferenceStrings, saved: Bool) -> String {
        var groups: [(title: String, description: String?, choices: [PreferenceChoices.Choice])] = []
        for choice in choices.choices {
            let title = choice.topic?.name(in: strings.language) ?? strings.allMarketing
            if groups.last?.title == title, groups.last?.choices.last?.topicId == choice.topicId {
                groups[groups.count - 1].choices.append(choice)
            } else {
                groups.append((title, choice.topic?.description(in: strings.language), [choice]))
            }
        }
        var index = 0
        let fieldsets = groups.map { group in
            let rows = group.choices.map { choice in
                index += 1
                let id = "choice-\(index)"
                let channel = strings.channels[choice.channel.rawValue] ?? choice.channel.rawValue
                return """
                    <div class="choice"><input type="checkbox" id="\(id)" name="sub" value="\(escape(choice.formValue))"\
                    \(choice.state == .granted ? " checked" : "")><label for="\(id)">\(escape(channel))</label>\
                    <span class="state \(choice.state.rawValue)">\(escape(stateText(choice.state, strings)))</span></div>
                    """
            }.joined(separator: "\n")
            let hint = group.description.map { "<p class=\"hint\">\(escape($0))</p>" } ?? ""
            return "<fieldset><legend>\(escape(group.title))</legend>\(hint)\n\(rows)</fieldset>"
        }.joined(separator: "\n")
        let notice = saved ? "<p class=\"saved\" role=\"status\">\(escape(strings.saved))</p>" : ""
        return page(
            strings,
            """
            <h1>\(escape(strings.title))</h1>\(notice)
            <p>\(escape(strings.intro))</p>
            <form method="post">
            <input type="hidden" name="token" value="\(escape(token))">
            \(fieldsets)
            <button type="submit" name="action" value="save">\(escape(strings.save))</button>
            <p class="leave-intro">\(escape(strings.leaveIntro))</p>
            <button type="submit" name="action" value="leave_all" class="leave">\(escape(strings.leaveAll))</button>
            </form>
            """)
    }

    /// The page for a link that cannot be used (forged, expired, refused): says so, offers nothing.
    static func problem(_ message: String, strings: PreferenceStrings) -> String {
        page(strings, "<h1>\(escape(strings.title))</h1><p class=\"problem\" role=\"alert\">\(escape(message))</p>")
    }

    private static func stateText(_ state: MarketingConsentState, _ strings: PreferenceStrings) -> String {
        switch state {
        case .granted: strings.subscribed
        case .optedOut: strings.unsubscribed
        case .noConsent: strings.notSubscribed
        }
    }

    private static func page(_ strings: PreferenceStrings, _ body: String) -> String {
        """
        <!doctype html>
        <html lang="\(strings.language)" dir="\(strings.rightToLeft ? "rtl" : "ltr")"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
        <title>\(escape(strings.title))</title><style>\(style)</style></head>
        <body><main>
        \(body)
        </main></body></html>
        """
    }

    private static let style = """
        body{font-family:system-ui,sans-serif;margin:0;padding:1rem;line-height:1.5;color:#1d1d1f;background:#fafafa}\
        main{max-width:34rem;margin:0 auto}fieldset{border:1px solid #ccc;border-radius:.5rem;margin:0 0 1rem;\
        padding:.5rem 1rem;background:#fff}legend{font-weight:600;padding:0 .25rem}.hint{margin:.25rem 0;color:#555}\
        .choice{display:flex;align-items:center;gap:.5rem;min-height:2.75rem}.choice input{width:1.4rem;height:1.4rem}\
        .choice label{flex:1}.state{font-size:.85rem;color:#666}.granted{color:#1a7f37}\
        button{font:inherit;padding:.7rem 1.2rem;border-radius:.5rem;border:1px solid #0a58ca;background:#0b5ed7;\
        color:#fff;width:100%}button.leave{background:#fff;color:#b02a37;border-color:#b02a37}\
        .saved{background:#e6f4ea;padding:.5rem 1rem;border-radius:.5rem}\
        .problem{background:#fdecea;padding:.5rem 1rem;border-radius:.5rem}
        """

    static func escape(_ text: String) -> String { UnsubscribePage.escape(text) }
}


