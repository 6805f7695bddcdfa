using CsCheck;
using Plural.Grains.GitOps;
using Plural.Security.Tests.Infrastructure;

namespace Plural.Security.Tests.GitOps;

/// <summary>
/// The YAML agent configuration parser reads whatever a commit holds. It answers with the model and a list of
/// problems, each naming a line of the file, and never throws; a valid file means exactly what it says.
/// </summary>
public sealed class AgentConfigParserProperties
{
    private const string File = ".plural/agents/prod-eu-1/config.yaml";

    [Fact]
    public void A_generated_valid_configuration_parses_without_problems_to_exactly_what_it_says()
    {
        AgentConfigYaml.Valid.Sample(config =>
        {
            var problems = new List<ConfigProblem>();

            var model = AgentConfigParser.Parse(File, config.Render(), problems);

            Assert.Empty(problems);
            Assert.Equal(config.Expected(), ValidConfig.Describe(model));
        }, iter: Fuzz.Iterations(3_000), print: config => config.Render());
    }

    [Fact]
    public void Hostile_yaml_never_throws_and_every_problem_names_a_line_of_the_file()
    {
        AgentConfigYaml.Hostile.Sample(text =>
        {
            var problems = new List<ConfigProblem>();

            AgentConfigParser.Parse(File, text, problems);

            var lines = AgentConfigYaml.LineCount(text);
            Assert.All(problems, problem =>
            {
                Assert.Equal(File, problem.File);
                Assert.InRange(problem.Line, 1, lines);
                Assert.False(string.IsNullOrWhiteSpace(problem.Message));
            });
        }, iter: Fuzz.Iterations(5_000), print: text => text);
    }
}
