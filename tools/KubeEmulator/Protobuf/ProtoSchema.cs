namespace Plural.KubeEmulator.Protobuf;

/// <summary>One field of a message: JSON name, wire type, and whether its zero value is meaningful (Go pointer fields).</summary>
internal sealed record ProtoField(string Name, string Type, bool Repeated, bool KeepZero)
{
    public bool IsMap => Type.StartsWith("map:", StringComparison.Ordinal);
}

/// <summary>
/// Field numbers of the Kubernetes messages kubectl's typed commands send as protobuf
/// (<c>create configmap|secret|namespace|deployment|job|service|serviceaccount</c>, <c>run</c>,
/// <c>expose</c>, <c>auth can-i</c>, <c>create role|clusterrole|rolebinding|clusterrolebinding</c>). Fields not listed are skipped. Numbers are those of k8s.io/api generated.proto.
/// Notation: <c>number name type</c>, <c>[]</c> repeated, <c>*</c> keep zero values, <c>map:T</c> string-keyed map.
/// </summary>
internal static class ProtoSchema
{
    private static readonly Dictionary<string, string> Definitions = new()
    {
        ["Unknown"] = "1 typeMeta TypeMeta; 2 raw bytes; 3 contentEncoding string; 4 contentType string",
        ["TypeMeta"] = "1 apiVersion string; 2 kind string",
        ["Quantity"] = "1 string string",
        ["ObjectMeta"] = "1 name string; 2 generateName string; 3 namespace string; 5 uid string; 6 resourceVersion string; 11 labels map:string; 12 annotations map:string; 13 ownerReferences []OwnerReference; 14 finalizers []string",
        ["OwnerReference"] = "1 kind string; 3 name string; 4 uid string; 5 apiVersion string; 6 controller bool*; 7 blockOwnerDeletion bool*",
        ["LabelSelector"] = "1 matchLabels map:string; 2 matchExpressions []LabelSelectorRequirement",
        ["LabelSelectorRequirement"] = "1 key string; 2 operator string; 3 values []string",
        ["LocalObjectReference"] = "1 name string",
        ["ConfigMap"] = "1 metadata ObjectMeta; 2 data map:string; 3 binaryData map:bytes; 4 immutable bool*",
        ["Secret"] = "1 metadata ObjectMeta; 2 data map:bytes; 3 type string; 4 stringData map:string; 5 immutable bool*",
        ["Namespace"] = "1 metadata ObjectMeta; 2 spec NamespaceSpec",
        ["NamespaceSpec"] = "1 finalizers []string",
        ["ServiceAccount"] = "1 metadata ObjectMeta; 3 imagePullSecrets []LocalObjectReference; 4 automountServiceAccountToken bool*",
        ["Pod"] = "1 metadata ObjectMeta; 2 spec PodSpec",
        ["PodTemplateSpec"] = "1 metadata ObjectMeta; 2 spec PodSpec",
        ["PodSpec"] = "2 containers []Container; 20 initContainers []Container; 3 restartPolicy string; 4 terminationGracePeriodSeconds int64*; 5 activeDeadlineSeconds int64*; 6 dnsPolicy string; 7 nodeSelector map:string; 8 serviceAccountName string; 10 nodeName string; 11 hostNetwork bool; 15 imagePullSecrets []LocalObjectReference; 16 hostname string; 17 subdomain string; 19 schedulerName string; 24 priorityClassName string",
        ["Container"] = "1 name string; 2 image string; 3 command []string; 4 args []string; 5 workingDir string; 6 ports []ContainerPort; 7 env []EnvVar; 8 resources ResourceRequirements; 13 terminationMessagePath string; 14 imagePullPolicy string; 16 stdin bool; 17 stdinOnce bool; 18 tty bool; 20 terminationMessagePolicy string",
        ["ContainerPort"] = "1 name string; 2 hostPort int32; 3 containerPort int32; 4 protocol string; 5 hostIP string",
        ["EnvVar"] = "1 name string; 2 value string",
        ["ResourceRequirements"] = "1 limits map:Quantity; 2 requests map:Quantity",
        ["Service"] = "1 metadata ObjectMeta; 2 spec ServiceSpec",
        ["ServiceSpec"] = "1 ports []ServicePort; 2 selector map:string; 3 clusterIP string; 18 clusterIPs []string; 4 type string; 5 externalIPs []string; 7 sessionAffinity string; 10 externalName string; 11 externalTrafficPolicy string; 19 ipFamilies []string; 17 ipFamilyPolicy string; 22 internalTrafficPolicy string",
        ["ServicePort"] = "1 name string; 2 protocol string; 6 appProtocol string; 3 port int32; 4 targetPort IntOrString; 5 nodePort int32",
        ["Deployment"] = "1 metadata ObjectMeta; 2 spec DeploymentSpec",
        ["DeploymentSpec"] = "1 replicas int32*; 2 selector LabelSelector; 3 template PodTemplateSpec; 4 strategy DeploymentStrategy; 5 minReadySeconds int32; 6 revisionHistoryLimit int32*; 7 paused bool; 9 progressDeadlineSeconds int32*",
        ["DeploymentStrategy"] = "1 type string; 2 rollingUpdate RollingUpdateDeployment",
        ["RollingUpdateDeployment"] = "1 maxUnavailable IntOrString; 2 maxSurge IntOrString",
        ["SelfSubjectAccessReview"] = "1 metadata ObjectMeta; 2 spec SelfSubjectAccessReviewSpec",
        ["SelfSubjectAccessReviewSpec"] = "1 resourceAttributes ResourceAttributes; 2 nonResourceAttributes NonResourceAttributes",
        ["SelfSubjectRulesReview"] = "1 metadata ObjectMeta; 2 spec SelfSubjectRulesReviewSpec",
        ["SelfSubjectRulesReviewSpec"] = "1 namespace string",
        ["SubjectAccessReview"] = "1 metadata ObjectMeta; 2 spec SubjectAccessReviewSpec",
        ["LocalSubjectAccessReview"] = "1 metadata ObjectMeta; 2 spec SubjectAccessReviewSpec",
        ["SubjectAccessReviewSpec"] = "1 resourceAttributes ResourceAttributes; 2 nonResourceAttributes NonResourceAttributes; 3 user string; 4 groups []string; 6 uid string",
        ["TokenRequest"] = "1 metadata ObjectMeta; 2 spec TokenRequestSpec",
        ["TokenRequestSpec"] = "1 audiences []string; 4 expirationSeconds int64*; 3 boundObjectRef BoundObjectReference",
        ["BoundObjectReference"] = "1 kind string; 2 apiVersion string; 3 name string; 4 uid string",
        ["Role"] = "1 metadata ObjectMeta; 2 rules []PolicyRule",
        ["ClusterRole"] = "1 metadata ObjectMeta; 2 rules []PolicyRule; 3 aggregationRule AggregationRule",
        ["PolicyRule"] = "1 verbs []string; 2 apiGroups []string; 3 resources []string; 4 resourceNames []string; 5 nonResourceURLs []string",
        ["AggregationRule"] = "1 clusterRoleSelectors []LabelSelector",
        ["RoleBinding"] = "1 metadata ObjectMeta; 2 subjects []Subject; 3 roleRef RoleRef",
        ["ClusterRoleBinding"] = "1 metadata ObjectMeta; 2 subjects []Subject; 3 roleRef RoleRef",
        ["Subject"] = "1 kind string; 2 apiGroup string; 3 name string; 4 namespace string",
        ["RoleRef"] = "1 apiGroup string; 2 kind string; 3 name string",
        ["ResourceAttributes"] = "1 namespace string; 2 verb string; 3 group string; 4 version string; 5 resource string; 6 subresource string; 7 name string",
        ["NonResourceAttributes"] = "1 path string; 2 verb string",
        ["Job"] = "1 metadata ObjectMeta; 2 spec JobSpec",
        ["JobSpec"] = "1 parallelism int32*; 2 completions int32*; 3 activeDeadlineSeconds int64*; 7 backoffLimit int32*; 4 selector LabelSelector; 5 manualSelector bool*; 6 template PodTemplateSpec; 8 ttlSecondsAfterFinished int32*; 9 completionMode string; 10 suspend bool*",
    };

    private static readonly Dictionary<string, Dictionary<int, ProtoField>> Messages = Definitions.ToDictionary(kv => kv.Key, kv => Parse(kv.Value));

    public static bool IsKnown(string message) => Messages.ContainsKey(message);

    public static ProtoField? Field(string message, int number) =>
        Messages.TryGetValue(message, out var fields) && fields.TryGetValue(number, out var field) ? field : null;

    private static Dictionary<int, ProtoField> Parse(string definition) =>
        definition.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split(' '))
            .ToDictionary(p => int.Parse(p[0]), p =>
            {
                var type = p[2];
                var repeated = type.StartsWith("[]", StringComparison.Ordinal);
                var keepZero = type.EndsWith('*');
                return new ProtoField(p[1], type.TrimStart('[', ']').TrimEnd('*'), repeated, keepZero);
            });
}
