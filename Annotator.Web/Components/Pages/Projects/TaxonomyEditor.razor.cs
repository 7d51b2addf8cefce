using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Taxonomy;
using Annotator.Web.Components.Taxonomy;
using Annotator.Web.Taxonomy;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.JSInterop;
using MudBlazor;

namespace Annotator.Web.Components.Pages.Projects;

/// <summary>
/// The taxonomy editor. The page holds the draft being edited: every edit replaces it with a new immutable
/// <see cref="TaxonomyDraft"/> (the old one goes on the undo stack), the model's problems are shown as it changes, and
/// Save, Discard and Publish go to <see cref="TaxonomyService"/>. Admins edit; other members see it read-only.
/// </summary>
public sealed partial class TaxonomyEditor : IAsyncDisposable
{
    private const int UndoDepth = 200;

    private TaxonomyEditorState? _state;
    private bool _notFound;
    private int _loadedProjectId;
    private ClaimsPrincipal _user = new();

    /// <summary>The draft as edited now.</summary>
    private TaxonomyDraft _draft = TaxonomyDraft.From(new TaxonomyDefinition());

    /// <summary>The draft as last loaded or saved: the editor is dirty while <see cref="_draft"/> is another one.</summary>
    private TaxonomyDraft _saved = TaxonomyDraft.From(new TaxonomyDefinition());

    /// <summary>The saved draft's revision (null: no draft saved yet), sent back with the next save or publish.</summary>
    private int? _revision;

    private readonly List<TaxonomyDraft> _undo = [];
    private readonly List<TaxonomyDraft> _redo = [];
    private TaxonomyDraft? _problemsOf;
    private IReadOnlyList<string> _problems = [];
    private Guid? _selectedId;
    private Guid? _justAdded;
    private bool _busy;
    private int _tab;

    [Inject] private TaxonomyService Service { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>The keyboard shortcuts (js/taxonomy/editor-keys.js), attached once the page is editable.</summary>
    private JsModule? _keys;
    private DotNetObjectReference<TaxonomyEditor>? _self;

    /// <summary>The project (from the route).</summary>
    [Parameter]
    public int ProjectId { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthState { get; set; } = default!;

    private bool Dirty => !ReferenceEquals(_draft, _saved);

    /// <summary>The model's problems with the draft (worked out once per draft).</summary>
    private IReadOnlyList<string> Problems
    {
        get
        {
            if (!ReferenceEquals(_problemsOf, _draft))
            {
                _problems = _draft.Validate();
                _problemsOf = _draft;
            }
            return _problems;
        }
    }

    private LabelDefinition? Selected => _selectedId is { } id ? _draft.Definition.Labels.FirstOrDefault(l => l.Id == id) : null;

    private IReadOnlyList<MapAttributeValues> Mappings => [.. _draft.Migrations.OfType<MapAttributeValues>()];

    private IReadOnlyList<AttributeDefinition> LabelAttributes => [.. _draft.Definition.Labels.SelectMany(l => l.Attributes)];

    private string StatusText => _state switch
    {
        null => "",
        { CanEdit: false } s => s.Published is { } p
            ? $"Version {p.Number}" + (s.Draft is { } d ? $" · version {d.Number} is being drafted" : "")
            : "Nothing published yet",
        _ when Dirty => "Unsaved changes",
        { Draft: { } d } => $"Draft of version {d.Number} · saved",
        { Published: { } p } => $"Version {p.Number} is published · edits start a draft",
        _ => "Nothing published yet",
    };

    private string StatusTone => _state is { CanEdit: true } && Dirty ? "dirty" : _state?.Draft is not null ? "drafted" : "";

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        if (_loadedProjectId == ProjectId && _state is not null)
        {
            return;
        }
        _user = (await AuthState).User;
        await LoadAsync();
        _loadedProjectId = ProjectId;
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_keys is not null || _state is not { CanEdit: true })
        {
            return;
        }
        _self = DotNetObjectReference.Create(this);
        _keys = new JsModule(JS, "./js/taxonomy/editor-keys.js");
        if (await _keys.AttachAsync("attach", _self) is null)
        {
            return; // the user moved on while the script loaded, or the tab is gone: nothing is attached
        }
        StateHasChanged(); // data-keys="ready": the shortcuts work from now on
    }

    /// <summary>Ctrl+Z outside text fields.</summary>
    [JSInvokable]
    public void KeyUndo()
    {
        if (_state is { CanEdit: true } && !_busy)
        {
            Undo();
            StateHasChanged();
        }
    }

    /// <summary>Ctrl+Shift+Z or Ctrl+Y outside text fields.</summary>
    [JSInvokable]
    public void KeyRedo()
    {
        if (_state is { CanEdit: true } && !_busy)
        {
            Redo();
            StateHasChanged();
        }
    }

    /// <summary>Ctrl+S: saves the draft when there is something to save and nothing stops it (the problems are listed).</summary>
    [JSInvokable]
    public async Task KeySave()
    {
        if (_state is not { CanEdit: true } || _busy)
        {
            return;
        }
        if (Dirty && Problems.Count > 0)
        {
            Refused("The draft has problems (listed above); fix them, then save.");
        }
        await SaveAsync();
        StateHasChanged();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The shortcuts first, so they call nothing on the reference disposed next.
        if (_keys is not null)
        {
            await _keys.DisposeAsync();
        }
        _self?.Dispose();
    }

    /// <summary>Loads everything afresh: the saved draft (or the published version), no undo history.</summary>
    private async Task LoadAsync()
    {
        _state = await Service.LoadAsync(_user, ProjectId);
        _notFound = _state is null;
        if (_state is null)
        {
            return;
        }
        // Members who cannot edit see what is in effect; a draft in the making is for the admins.
        _draft = !_state.CanEdit && _state.PublishedDefinition is { } published ? TaxonomyDraft.From(published) : _state.Working;
        _saved = _draft;
        _revision = _state.Draft?.Revision;
        _undo.Clear();
        _redo.Clear();
        _justAdded = null;
        if (Selected is null)
        {
            _selectedId = LabelMoves.Flatten(_draft.Definition).Select(l => (Guid?)l.Label.Id).FirstOrDefault();
        }
    }

    private int UsageOf(Guid labelId) => _state?.LabelUsage.GetValueOrDefault(labelId) ?? 0;

    /// <summary>Applies an edit; a refusal of the model is shown and changes nothing.</summary>
    private bool Apply(Func<TaxonomyDraft, TaxonomyDraft> edit)
    {
        if (_state is not { CanEdit: true })
        {
            return false;
        }
        try
        {
            Replace(edit(_draft));
            return true;
        }
        catch (DomainException e)
        {
            Refused(e.Message);
            return false;
        }
    }

    /// <summary>Makes <paramref name="next"/> the draft, keeping the current one for undo.</summary>
    private void Replace(TaxonomyDraft next)
    {
        if (ReferenceEquals(next, _draft))
        {
            return;
        }
        _undo.Add(_draft);
        if (_undo.Count > UndoDepth)
        {
            _undo.RemoveAt(0);
        }
        _redo.Clear();
        _draft = next;
    }

    private void Refused(string message) => Snackbar.Add(message, Severity.Warning);

    private void Undo()
    {
        if (_undo.Count == 0)
        {
            return;
        }
        _redo.Add(_draft);
        _draft = _undo[^1];
        _undo.RemoveAt(_undo.Count - 1);
    }

    private void Redo()
    {
        if (_redo.Count == 0)
        {
            return;
        }
        _undo.Add(_draft);
        _draft = _redo[^1];
        _redo.RemoveAt(_redo.Count - 1);
    }

    private void Select(Guid id)
    {
        _selectedId = id;
        _justAdded = null;
    }

    private void AddLabel(Guid? parentId)
    {
        var id = Guid.NewGuid();
        // The draft gives a new label a palette colour no label has yet.
        if (Apply(d => d.AddLabel(id, LabelMoves.NewName(d, parentId), parentId)))
        {
            _selectedId = id;
            _justAdded = id;
            _tab = 0;
        }
    }

    private void ChangeLabel(LabelDefinition label) => Apply(d => d.UpdateLabel(label.Id, _ => label));

    private void Deprecate(Guid id, bool deprecated) => Apply(d => d.Deprecate(id, deprecated));

    private void MapValues(ValueMappingChange change) => Apply(d => d.MapValues(change.AttributeId, change.Values));

    private void Delete(Guid id)
    {
        var name = _draft.Label(id).Name;
        if (Apply(d => d.RemoveLabel(id, UsageOf(id))))
        {
            _selectedId = null;
            Snackbar.Add($"Removed '{name}' from the draft.", Severity.Info);
        }
    }

    private async Task MergeAsync(Guid fromId)
    {
        var draft = _draft;
        var from = draft.Label(fromId);
        var parameters = new DialogParameters<MergeDialog>
        {
            { d => d.Draft, draft },
            { d => d.FromId, fromId },
            { d => d.Preview, (into, mappings) => Service.PreviewMergeAsync(_user, ProjectId, draft, fromId, into, mappings) },
        };
        var dialog = await Dialogs.ShowAsync<MergeDialog>($"Merge '{from.Name}'", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: MergeChoice choice } && Apply(d => d.Merge(fromId, choice.Into, choice.Attributes)))
        {
            _selectedId = choice.Into;
            Snackbar.Add($"'{from.Name}' is merged into '{_draft.Label(choice.Into).Name}' in the draft; its regions move when it is published.",
                Severity.Info);
        }
    }

    private async Task SplitAsync(Guid id)
    {
        var label = _draft.Label(id);
        var parameters = new DialogParameters<SplitDialog> { { d => d.Label, label }, { d => d.Usage, UsageOf(id) } };
        var dialog = await Dialogs.ShowAsync<SplitDialog>($"Split '{label.Name}'", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: IReadOnlyList<string> names })
        {
            var parts = names.Select(n => (Guid.NewGuid(), n)).ToList();
            if (Apply(d => d.Split(id, parts)))
            {
                _selectedId = parts[0].Item1;
                Snackbar.Add($"'{label.Name}' is split in the draft; once published, its regions wait in the relabeling queue.", Severity.Info);
            }
        }
    }

    private async Task ImportAsync()
    {
        var draft = _draft;
        var parameters = new DialogParameters<ImportDialog>
        {
            { d => d.Import, (format, content) => Service.ImportAsync(_user, ProjectId, draft, format, content) },
            { d => d.HasMigrations, draft.Migrations.Count > 0 },
        };
        var dialog = await Dialogs.ShowAsync<ImportDialog>("Import a taxonomy file", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: ImportedTaxonomy imported })
        {
            Replace(imported.Draft);
            _selectedId = LabelMoves.Flatten(_draft.Definition).Select(l => (Guid?)l.Label.Id).FirstOrDefault();
            _tab = 0;
            Snackbar.Add("The draft now holds the imported taxonomy; check it, then save (Undo takes it back).", Severity.Info);
        }
    }

    private async Task SaveAsync()
    {
        if (_state is not { CanEdit: true } || !Dirty || Problems.Count > 0)
        {
            return;
        }
        _busy = true;
        try
        {
            var saving = _draft;
            var info = await Service.SaveDraftAsync(_user, ProjectId, saving, _revision);
            _revision = info.Revision;
            _saved = saving;
            Snackbar.Add($"Draft of version {info.Number} saved.", Severity.Success);
            // New version list and usage; the draft, its undo history and the selection stay.
            _state = await Service.LoadAsync(_user, ProjectId) ?? _state;
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DiscardAsync()
    {
        if (_state is not { CanEdit: true } state)
        {
            return;
        }
        var confirmed = await Dialogs.ShowMessageBoxAsync("Discard the draft?",
            state.Draft is null
                ? "Your unsaved changes are thrown away."
                : $"The saved draft of version {state.Draft.Number} and any unsaved changes are thrown away; the published version stays as it is.",
            yesText: "Discard", cancelText: "Keep editing");
        if (confirmed != true)
        {
            return;
        }
        try
        {
            if (state.Draft is not null)
            {
                await Service.DiscardDraftAsync(_user, ProjectId);
            }
            await LoadAsync();
            Snackbar.Add("Draft discarded.", Severity.Info);
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
    }

    private async Task PublishAsync()
    {
        if (_state is not { CanEdit: true, Draft: { } draft } || Dirty || _revision is not { } revision)
        {
            return;
        }
        PublishPreview preview;
        try
        {
            preview = await Service.PreviewPublishAsync(_user, ProjectId);
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
            return;
        }
        var parameters = new DialogParameters<PublishDialog> { { d => d.Preview, preview }, { d => d.Number, draft.Number } };
        var dialog = await Dialogs.ShowAsync<PublishDialog>($"Publish version {draft.Number}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is not { Canceled: false, Data: string note })
        {
            return;
        }
        _busy = true;
        try
        {
            var published = await Service.PublishAsync(_user, ProjectId, note, revision);
            Snackbar.Add($"Published version {published.Number}.", Severity.Success);
            await LoadAsync();
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task<IReadOnlyList<TaxonomyChange>> DiffAsync(int from, int to)
    {
        try
        {
            return await Service.DiffAsync(_user, ProjectId, from, to);
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
            return [];
        }
    }

    private async Task ConfirmLeaveAsync(LocationChangingContext context)
    {
        if (!Dirty || _state is not { CanEdit: true })
        {
            return;
        }
        var leave = await Dialogs.ShowMessageBoxAsync("Leave the taxonomy editor?", "Your changes to the draft are not saved.",
            yesText: "Leave without saving", cancelText: "Stay");
        if (leave != true)
        {
            context.PreventNavigation();
        }
    }
}
