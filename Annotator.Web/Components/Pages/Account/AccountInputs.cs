using System.ComponentModel.DataAnnotations;

namespace Annotator.Web.Components.Pages.Account;

/// <summary>The sign-in form.</summary>
public sealed class LoginInput
{
    [Required(ErrorMessage = "Enter your email.")]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    public string Password { get; set; } = "";
}

/// <summary>The form that creates an account with a password (setup, invitation).</summary>
public sealed class NewAccountInput
{
    [Required(ErrorMessage = "Enter an email address."), EmailAddress(ErrorMessage = "Enter a valid email address."), StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter your name."), StringLength(100, ErrorMessage = "The name must be at most 100 characters.")]
    public string DisplayName { get; set; } = "";

    [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = Accounts.PasswordRules.MinimumLength,
        ErrorMessage = "The password must be at least 12 characters.")]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
    public string ConfirmPassword { get; set; } = "";
}

/// <summary>The change-password form.</summary>
public sealed class ChangePasswordInput
{
    [Required(ErrorMessage = "Enter your current password.")]
    public string CurrentPassword { get; set; } = "";

    [Required(ErrorMessage = "Choose a new password."), StringLength(200, MinimumLength = Accounts.PasswordRules.MinimumLength,
        ErrorMessage = "The password must be at least 12 characters.")]
    public string NewPassword { get; set; } = "";

    [Compare(nameof(NewPassword), ErrorMessage = "The two passwords differ.")]
    public string ConfirmPassword { get; set; } = "";
}
