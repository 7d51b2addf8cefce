using System.Globalization;
using System.Text.Json.Nodes;
using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>
/// Reads a Label Studio labeling config (the XML of Settings → Labeling Interface → Code) into a taxonomy. Region label
/// tags become labels, image-level <c>Choices</c> become questions (nested choices and <c>visibleWhen</c> conditions
/// become follow-up questions), per-region controls become attributes. What cannot be kept is listed in the notes.
/// See docs/taxonomy-json.md for the mapping and the limits.
/// </summary>
public static class LabelStudioConfig
{
    private const string Subject = "The labeling config";

    // The region label tags and what their regions are. RectangleLabels regions can be rotated in Label Studio.
    private static readonly Dictionary<string, ShapeKind[]> LabelTags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RectangleLabels"] = [ShapeKind.Box, ShapeKind.RotatedBox],
        ["PolygonLabels"] = [ShapeKind.Polygon],
        ["KeyPointLabels"] = [ShapeKind.Point],
        ["BrushLabels"] = [ShapeKind.Mask],
        ["BitmaskLabels"] = [ShapeKind.Mask],
        ["EllipseLabels"] = [ShapeKind.Ellipse],
        ["Labels"] = [],
    };

    // The drawing tools a generic <Labels> pairs with on the same image.
    private static readonly Dictionary<string, ShapeKind[]> ToolTags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Rectangle"] = [ShapeKind.Box, ShapeKind.RotatedBox],
        ["Polygon"] = [ShapeKind.Polygon],
        ["KeyPoint"] = [ShapeKind.Point],
        ["Brush"] = [ShapeKind.Mask],
        ["Bitmask"] = [ShapeKind.Mask],
        ["Ellipse"] = [ShapeKind.Ellipse],
    };

    /// <summary>Reads a labeling config.</summary>
    /// <param name="xml">The config, e.g. <c>&lt;View&gt;&lt;Image name="image" value="$image"/&gt;…&lt;/View&gt;</c>.</param>
    /// <returns>The taxonomy (fresh ids, valid) and notes on what was dropped or changed.</returns>
    /// <exception cref="DomainException">
    /// The config is not well-formed, has a DOCTYPE, is larger than 2 MB or nested deeper than 64 levels, exceeds a
    /// count limit, or defines nothing for an image.
    /// </exception>
    public static TaxonomyImport Import(string xml) => new Reader(SafeXml.Parse(xml, Subject)).Read();

    private sealed class Reader(XmlTag root)
    {
        private readonly ImportBuilder _builder = new(Subject);
        // Object tags (they show the data: Image, Text, Audio…) by their name, so controls can tell what they label.
        private readonly Dictionary<string, XmlTag> _objects = new(StringComparer.Ordinal);
        // The questions each image-level tag became (its own, then those of its nested choices), by index.
        private readonly Dictionary<string, List<int>> _questionsByTag = new(StringComparer.Ordinal);
        private readonly List<(int Question, string TagName, string? Values, int Line)> _conditions = [];
        private readonly List<(AttributeDefinition Attribute, string[] Labels)> _attributes = [];
        private bool _choiceHotkeys;

        public TaxonomyImport Read()
        {
            foreach (var tag in root.Descendants().Prepend(root))
            {
                if (tag["name"] is { } name && tag["value"] is { } value && value.StartsWith('$')
                    && tag["toName"] is null && !LabelTags.ContainsKey(tag.Name))
                {
                    _objects.TryAdd(name, tag);
                }
            }
            Visit(root, null);
            ResolveConditions();
            PlaceAttributes();
            if (_choiceHotkeys)
            {
                _builder.Note("Hotkeys of choices are not kept: image-level questions are answered by clicking.");
            }
            if (_builder.Labels.Count == 0 && _builder.Questions.Count == 0 && _builder.ProjectAttributes.Count == 0)
            {
                throw new DomainException($"{Subject} defines no labels, choices or per-region attributes for an image.");
            }
            return _builder.Finish();
        }

        private void Walk(XmlTag parent)
        {
            XmlTag? previous = null;
            foreach (var tag in parent.Children)
            {
                Visit(tag, previous);
                previous = tag;
            }
        }

        private void Visit(XmlTag tag, XmlTag? previous)
        {
            if (LabelTags.TryGetValue(tag.Name, out var kinds))
            {
                ReadLabels(tag, kinds);
            }
            else if (tag.Is("Choices") || tag.Is("Taxonomy"))
            {
                ReadChoices(tag, previous);
            }
            else if (tag.Is("Number") || tag.Is("TextArea") || tag.Is("Rating"))
            {
                ReadValueControl(tag, previous);
            }
            else if (ToolTags.ContainsKey(tag.Name) || _objects.ContainsValue(tag))
            {
                // Tools are read with the generic <Labels> they serve; object tags only show data.
            }
            else if (tag["toName"] is not null)
            {
                _builder.Note($"<{tag.Name}> '{tag["name"]}' (line {tag.Line}) has no counterpart in Annotator; it is skipped.");
            }
            else
            {
                // View, Header, Style and other layout tags: only what they contain matters.
                Walk(tag);
            }
        }

        /// <summary>Whether the control labels an image: its toName names an Image, or names nothing we know of.</summary>
        private bool LabelsAnImage(XmlTag control)
        {
            var targets = Targets(control);
            var known = targets.Where(_objects.ContainsKey).Select(t => _objects[t]).ToList();
            if (known.Count == 0 || known.Any(o => o.Is("Image")))
            {
                return true;
            }
            _builder.Note($"<{control.Name}> '{control["name"]}' (line {control.Line}) labels a <{known[0].Name}>, not an image; it is skipped.");
            return false;
        }

        private static string[] Targets(XmlTag control) =>
            (control["toName"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        private void ReadLabels(XmlTag tag, ShapeKind[] kinds)
        {
            if (!LabelsAnImage(tag))
            {
                return;
            }
            var labels = tag.Descendants().Where(t => t.Is("Label")).ToList();
            var group = tag["name"] ?? tag.Name;
            if (labels.Count == 0)
            {
                _builder.Note(tag["value"]?.StartsWith('$') == true
                    ? $"<{tag.Name}> '{group}' loads its labels from task data; there are none to import."
                    : $"<{tag.Name}> '{group}' has no labels.");
                return;
            }
            if (kinds.Length == 0)
            {
                kinds = GenericKinds(tag, group);
            }
            foreach (var label in labels)
            {
                var name = (label["value"] ?? label["alias"])?.Trim();
                if (string.IsNullOrEmpty(name))
                {
                    _builder.Note($"A <Label> without a value (line {label.Line}) is skipped.");
                    continue;
                }
                if (label["value"] is not null && label["alias"] is { } alias && alias.Trim() != name)
                {
                    _builder.Note($"Label '{name}': the alias '{alias.Trim()}' is dropped; results name the label '{name}'.");
                }
                if (_builder.FindLabel(name) is { } existing)
                {
                    Merge(existing, label, kinds, group);
                    continue;
                }
                var draft = _builder.AddLabel(name);
                draft.Allow(kinds);
                draft.Color = _builder.Color(label["background"], $"Label '{draft.Name}'");
                draft.Hotkey = _builder.Hotkey(label["hotkey"], draft.Name);
                draft.Description = label["hint"]?.Trim() ?? "";
            }
        }

        /// <summary>A generic &lt;Labels&gt; draws with the tool tags on its image; without any, box and polygon.</summary>
        private ShapeKind[] GenericKinds(XmlTag tag, string group)
        {
            var targets = Targets(tag);
            var kinds = root.Descendants()
                .Where(t => ToolTags.ContainsKey(t.Name) && (targets.Length == 0 || Targets(t).Intersect(targets).Any()))
                .SelectMany(t => ToolTags[t.Name])
                .Distinct()
                .ToArray();
            if (kinds.Length > 0)
            {
                return kinds;
            }
            _builder.Note($"<Labels> '{group}' has no drawing tool (Rectangle, Polygon…) on its image; its labels allow boxes and polygons.");
            return [ShapeKind.Box, ShapeKind.Polygon];
        }

        private void Merge(LabelDraft existing, XmlTag label, ShapeKind[] kinds, string group)
        {
            var added = kinds.Where(k => !existing.ShapeKinds.Contains(k)).ToList();
            existing.Allow(kinds);
            _builder.Note(added.Count == 0
                ? $"Label '{existing.Name}' appears again in '{group}'; it is one label."
                : $"Label '{existing.Name}' appears again in '{group}'; it is one label that also allows {Words(added)}.");
            if (existing.Color is null)
            {
                existing.Color = _builder.Color(label["background"], $"Label '{existing.Name}'");
            }
            if (existing.Hotkey is null)
            {
                existing.Hotkey = _builder.Hotkey(label["hotkey"], existing.Name);
            }
            else if (label["hotkey"] is { } hotkey && !string.Equals(hotkey.Trim(), existing.Hotkey, StringComparison.OrdinalIgnoreCase))
            {
                _builder.Note($"Label '{existing.Name}': the hotkey '{hotkey.Trim()}' in '{group}' is dropped; it keeps '{existing.Hotkey}'.");
            }
            if (existing.Description.Length == 0)
            {
                existing.Description = label["hint"]?.Trim() ?? "";
            }
        }

        private static string Words(IEnumerable<ShapeKind> kinds) =>
            string.Join(", ", kinds.Select(ShapeKindNames.ToWords));

        private sealed record Choice(string Value, bool Selected, List<Choice> Children);

        /// <summary>The &lt;Choice&gt;s directly in <paramref name="parent"/> (through layout tags), each with its nested ones.</summary>
        private List<Choice> ReadChoiceTree(XmlTag parent)
        {
            var choices = new List<Choice>();
            foreach (var child in parent.Children)
            {
                if (child.Is("Choice"))
                {
                    var value = (child["value"] ?? child["alias"])?.Trim();
                    if (string.IsNullOrEmpty(value))
                    {
                        _builder.Note($"A <Choice> without a value (line {child.Line}) is skipped.");
                        continue;
                    }
                    _choiceHotkeys |= !string.IsNullOrWhiteSpace(child["hotkey"]);
                    choices.Add(new Choice(value, IsTrue(child["selected"]), ReadChoiceTree(child)));
                }
                else if (child["toName"] is null)
                {
                    choices.AddRange(ReadChoiceTree(child));
                }
            }
            return choices;
        }

        private void ReadChoices(XmlTag tag, XmlTag? previous)
        {
            if (!LabelsAnImage(tag))
            {
                return;
            }
            var name = tag["name"]?.Trim() is { Length: > 0 } given ? given : $"question on line {tag.Line}";
            var choices = ReadChoiceTree(tag);
            if (choices.Count == 0)
            {
                _builder.Note(tag["value"]?.StartsWith('$') == true
                    ? $"<{tag.Name}> '{name}' loads its choices from task data; there are none to import."
                    : $"<{tag.Name}> '{name}' has no choices; it is skipped.");
                return;
            }
            // Taxonomy tags allow several picks unless limited to one; Choices allow one unless told otherwise.
            var multiple = tag.Is("Taxonomy")
                ? tag["maxUsages"]?.Trim() != "1"
                : tag["choice"]?.Trim().StartsWith("multiple", StringComparison.OrdinalIgnoreCase) == true;
            if (IsTrue(tag["perRegion"]))
            {
                ReadChoiceAttribute(tag, name, choices, multiple);
                return;
            }
            var text = previous is { } header && header.Is("Header") && header["value"]?.Trim() is { Length: > 0 } title ? title : name;
            var family = new List<int>();
            AddQuestion(text, multiple, choices, null, null, family);
            _questionsByTag.TryAdd(name, family);
            if (tag["whenTagName"] is { } parentTag && IsChoiceCondition(tag))
            {
                _conditions.Add((family[0], parentTag.Trim(), tag["whenChoiceValue"], tag.Line));
            }
        }

        private static bool IsChoiceCondition(XmlTag tag) =>
            tag["visibleWhen"]?.Trim() is null or "choice-selected";

        /// <summary>A question for one level of choices, and a follow-up question under each choice that has nested ones.</summary>
        private void AddQuestion(string text, bool multiple, List<Choice> choices, Guid? parent, string? parentOption, List<int> family)
        {
            family.Add(_builder.Questions.Count);
            var question = _builder.AddQuestion(new QuestionDefinition
            {
                Id = Guid.NewGuid(), Text = text, Multiple = multiple, ParentQuestionId = parent, ParentOption = parentOption,
                Options = _builder.Options(choices.Select(c => c.Value), $"Question '{text}'"),
            });
            foreach (var choice in choices.Where(c => c.Children.Count > 0))
            {
                AddQuestion($"{text} / {choice.Value}", multiple, choice.Children, question.Id, choice.Value, family);
            }
        }

        private void ReadChoiceAttribute(XmlTag tag, string name, List<Choice> choices, bool multiple)
        {
            // Attributes have no hierarchy: nested choices become "parent / child" options.
            var flat = Flatten(choices, "").ToList();
            if (flat.Count != choices.Count)
            {
                _builder.Note($"Per-region choices '{name}' are nested; the attribute lists them flat as 'parent / child'.");
            }
            var attribute = new AttributeDefinition
            {
                Id = Guid.NewGuid(), Name = name, Kind = multiple ? AttributeKind.MultiSelect : AttributeKind.SingleSelect,
                Required = IsTrue(tag["required"]), Options = _builder.Options(flat.Select(f => f.Path), $"Attribute '{name}'"),
            };
            var selected = flat.Where(f => f.Selected).Select(f => f.Path).ToList();
            JsonNode? chosen = selected.Count == 0 ? null
                : multiple ? new JsonArray([.. selected.Select(s => JsonValue.Create(s))]) : JsonValue.Create(selected[0]);
            AddAttribute(tag, attribute with { Default = _builder.Default(attribute, chosen, $"Attribute '{name}'") });
        }

        private static IEnumerable<(string Path, bool Selected)> Flatten(List<Choice> choices, string prefix)
        {
            foreach (var choice in choices)
            {
                var path = prefix + choice.Value;
                yield return (path, choice.Selected);
                foreach (var nested in Flatten(choice.Children, path + " / "))
                {
                    yield return nested;
                }
            }
        }

        private void ReadValueControl(XmlTag tag, XmlTag? previous)
        {
            if (!LabelsAnImage(tag))
            {
                return;
            }
            var name = tag["name"]?.Trim() is { Length: > 0 } given ? given : $"{tag.Name} on line {tag.Line}";
            var perRegion = IsTrue(tag["perRegion"]);
            if (tag.Is("Rating"))
            {
                var most = ImportBuilder.Number(tag["maxRating"]) is { } max && max >= 1 && max <= 100 ? (int)max : 5;
                if (!perRegion)
                {
                    var text = previous is { } header && header.Is("Header") && header["value"]?.Trim() is { Length: > 0 } title ? title : name;
                    var stars = Enumerable.Range(1, most).Select(i => new Choice(i.ToString(CultureInfo.InvariantCulture), false, [])).ToList();
                    var family = new List<int>();
                    AddQuestion(text, false, stars, null, null, family);
                    _questionsByTag.TryAdd(name, family);
                    _builder.Note($"Rating '{name}' became a question with the options 1 to {most}.");
                    return;
                }
                _builder.Note($"Per-region rating '{name}' became a number attribute from 1 to {most}.");
                AddAttribute(tag, new AttributeDefinition
                {
                    Id = Guid.NewGuid(), Name = name, Kind = AttributeKind.Number, Min = 1, Max = most, Required = IsTrue(tag["required"]),
                });
                return;
            }
            if (!perRegion)
            {
                _builder.Note($"<{tag.Name}> '{name}' applies to the whole image; image-level questions in Annotator are choices only, so it is skipped.");
                return;
            }
            if (tag.Is("Number"))
            {
                var min = ImportBuilder.Number(tag["min"]);
                var max = ImportBuilder.Number(tag["max"]);
                if (min > max)
                {
                    _builder.Note(string.Create(CultureInfo.InvariantCulture, $"Attribute '{name}': min {min} is above max {max}; they are swapped."));
                    (min, max) = (max, min);
                }
                var attribute = new AttributeDefinition
                {
                    Id = Guid.NewGuid(), Name = name, Kind = AttributeKind.Number, Min = min, Max = max, Required = IsTrue(tag["required"]),
                };
                var preset = ImportBuilder.Number(tag["defaultValue"]) is { } number ? JsonValue.Create(number) : null;
                AddAttribute(tag, attribute with { Default = _builder.Default(attribute, preset, $"Attribute '{name}'") });
                return;
            }
            if (tag["maxSubmissions"]?.Trim() is { } submissions && submissions != "1")
            {
                _builder.Note($"Attribute '{name}': Annotator keeps one text per region; maxSubmissions is ignored.");
            }
            var textAttribute = new AttributeDefinition
            {
                Id = Guid.NewGuid(), Name = name, Kind = AttributeKind.Text, Required = IsTrue(tag["required"]),
            };
            var prefilled = tag["value"] is { Length: > 0 } value && !value.StartsWith('$') ? JsonValue.Create(value) : null;
            AddAttribute(tag, textAttribute with { Default = _builder.Default(textAttribute, prefilled, $"Attribute '{name}'") });
        }

        /// <summary>
        /// Keeps a per-region attribute for placing once every label is known: controls shown only for regions of some
        /// labels (<c>whenLabelValue</c>) belong to those labels, the rest to the project.
        /// </summary>
        private void AddAttribute(XmlTag tag, AttributeDefinition attribute)
        {
            var labels = (tag["whenLabelValue"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            _attributes.Add((attribute, labels));
        }

        private void PlaceAttributes()
        {
            foreach (var (attribute, labels) in _attributes)
            {
                var owners = labels.Select(_builder.FindLabel).OfType<LabelDraft>().Distinct().ToList();
                if (labels.Length > 0 && owners.Count == 0)
                {
                    _builder.Note($"Attribute '{attribute.Name}' is for label(s) {string.Join(", ", labels.Select(l => $"'{l}'"))}, which the config does not define; it applies to every label.");
                }
                if (owners.Count == 0)
                {
                    _builder.AddProjectAttribute(attribute);
                    continue;
                }
                foreach (var owner in owners)
                {
                    // Each label gets its own copy: attribute ids are unique across the taxonomy.
                    _builder.AddLabelAttribute(owner, owners.Count == 1 ? attribute : attribute with { Id = Guid.NewGuid() });
                }
            }
        }

        /// <summary>
        /// Choices shown only when another choice is picked (<c>visibleWhen="choice-selected"</c>) become follow-up
        /// questions of the question that offers that choice.
        /// </summary>
        private void ResolveConditions()
        {
            var questions = _builder.Questions;
            var indexById = questions.Select((q, i) => (q.Id, i)).ToDictionary(p => p.Id, p => p.i);
            foreach (var (index, tagName, values, line) in _conditions)
            {
                var question = questions[index];
                if (!_questionsByTag.TryGetValue(tagName, out var family))
                {
                    _builder.Note($"Question '{question.Text}' is shown only after '{tagName}', which is not an image-level question; it is always asked.");
                    continue;
                }
                var wanted = (values ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (wanted.Length == 0)
                {
                    _builder.Note($"Question '{question.Text}' is shown once '{tagName}' has any answer; Annotator needs one answer to follow, so it is always asked.");
                    continue;
                }
                if (wanted.Length > 1)
                {
                    _builder.Note($"Question '{question.Text}' follows several answers of '{tagName}'; it now follows '{wanted[0]}' only.");
                }
                // The answer may sit in a follow-up question of the tag (nested choices): follow the one that offers it.
                var parent = family.Select(i => questions[i]).FirstOrDefault(q => q.Options.Contains(wanted[0], StringComparer.Ordinal));
                if (parent is null)
                {
                    _builder.Note($"Question '{question.Text}' follows the answer '{wanted[0]}' of '{tagName}', which it does not offer; it is always asked.");
                }
                else if (LeadsTo(parent, question.Id, indexById))
                {
                    _builder.Note($"Question '{question.Text}' (line {line}) and '{tagName}' are each shown only after the other; '{question.Text}' is always asked.");
                }
                else
                {
                    questions[index] = question with { ParentQuestionId = parent.Id, ParentOption = wanted[0] };
                }
            }
        }

        /// <summary>Whether <paramref name="question"/> or one of its parents is <paramref name="id"/>.</summary>
        private bool LeadsTo(QuestionDefinition question, Guid id, Dictionary<Guid, int> indexById)
        {
            var seen = new HashSet<Guid>();
            for (QuestionDefinition? current = question; current is not null && seen.Add(current.Id);
                 current = current.ParentQuestionId is { } up ? _builder.Questions[indexById[up]] : null)
            {
                if (current.Id == id)
                {
                    return true;
                }
            }
            return false;
        }

        private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
    }
}
