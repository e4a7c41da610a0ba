import ServiceLifecycle

enum ServiceNaming {
    /// The service group logs each service at debug level by name, and a service's default name is its whole
    /// description: every stored field, secrets included (the unsubscribe and preference keys, webhook URLs
    /// with their tokens). Each is named by its type instead.
    static func byType(_ services: [ServiceGroupConfiguration.ServiceConfiguration])
        -> [ServiceGroupConfiguration.ServiceConfiguration]
    {
        services.map { configuration in
            var named = configuration
            named.serviceName = String(describing: type(of: configuration.service))
            return named
        }
    }
}
