namespace Plural.KubeEmulator.Seeding;

/// <summary>Sample manifests, kept as YAML so they read like what users apply.</summary>
internal static class SampleManifests
{
    public const string Yaml = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: demo, labels: {team: platform}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {team: commerce}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: demo, labels: {app: web}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
                ports: [{containerPort: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: demo}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: 80}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: web-config, namespace: demo}
        data: {greeting: hello, mode: demo}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: web-credentials, namespace: demo}
        type: Opaque
        data: {password: c2VjcmV0}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend, namespace: shop, labels: {app: frontend, tier: web}}
        spec:
          replicas: 3
          selector: {matchLabels: {app: frontend}}
          template:
            metadata: {labels: {app: frontend, tier: web}}
            spec:
              containers:
              - name: frontend
                image: ghcr.io/example/frontend:2.4.1
                env: [{name: BACKEND_URL, value: "http://backend:8080"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: shop, labels: {app: backend, tier: api}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: backend}}
          template:
            metadata: {labels: {app: backend, tier: api}}
            spec:
              containers:
              - name: backend
                image: ghcr.io/example/backend:1.9.0
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: shop}
        spec:
          selector: {app: backend}
          ports: [{name: http, port: 8080}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: shop}
        spec:
          replicas: 1
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: postgres, image: "postgres:17"}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate, namespace: shop}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: migrate, image: "ghcr.io/example/migrate:1.0"}]
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: node-exporter, namespace: kube-system}
        spec:
          selector: {matchLabels: {app: node-exporter}}
          template:
            metadata: {labels: {app: node-exporter}}
            spec:
              containers: [{name: exporter, image: "prom/node-exporter:v1.8.2"}]
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.plural.sh}
        spec:
          group: example.plural.sh
          scope: Namespaced
          names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wg], listKind: WidgetList}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            additionalPrinterColumns:
            - {name: Size, type: integer, jsonPath: .spec.size}
            - {name: Color, type: string, jsonPath: .spec.color}
        ---
        apiVersion: example.plural.sh/v1
        kind: Widget
        metadata: {name: sample, namespace: demo}
        spec: {size: 3, color: blue}
        """;
}
