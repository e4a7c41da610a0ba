import Foundation
import PackagePlugin

/// Compiles the shipped provider profiles (`channels/<id>/profile.yaml`) into the target as Swift source,
/// so the binary carries them wherever it runs.
@main
struct EmbedProfiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let channels = context.package.directoryURL.appending(path: "channels")
        // Provider profiles, and the ESP event profiles that read bounce and complaint webhooks.
        let profiles = try FileManager.default.contentsOfDirectory(atPath: channels.path).sorted()
            .flatMap { [channels.appending(path: $0).appending(path: "profile.yaml"), channels.appending(path: $0).appending(path: "events.yaml")] }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInProfiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(profiles.count) provider profiles",
                executable: try context.tool(named: "ProfileEmbedder").url,
                arguments: [output.path] + profiles.map(\.path),
                inputFiles: profiles,
                outputFiles: [output])
        ]
    }
}
