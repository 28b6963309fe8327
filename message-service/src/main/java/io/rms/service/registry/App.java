package io.rms.service.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A registered service: producer, consumer or operator client. */
@Entity
@Table(name = "app")
public class App extends RegistryEntry {
  @Id private String id;

  @Column(name = "api_key_hashes", nullable = false)
  private String[] apiKeyHashes = new String[0];

  @Column(name = "produces", nullable = false)
  private String[] produces = new String[0];

  @Column(name = "check_back_url")
  private String checkBackUrl;

  @Column(name = "check_back_secret")
  private String checkBackSecret;

  @Column(name = "roles", nullable = false)
  private String[] roles = new String[0];

  protected App() {}

  public App(String id) {
    this.id = id;
  }

  public String getId() {
    return id;
  }

  public String[] getApiKeyHashes() {
    return apiKeyHashes.clone();
  }

  public void setApiKeyHashes(String[] apiKeyHashes) {
    this.apiKeyHashes = apiKeyHashes.clone();
  }

  public String[] getProduces() {
    return produces.clone();
  }

  public void setProduces(String[] produces) {
    this.produces = produces.clone();
  }

  public String getCheckBackUrl() {
    return checkBackUrl;
  }

  public void setCheckBackUrl(String checkBackUrl) {
    this.checkBackUrl = checkBackUrl;
  }

  /**
   * Registers the check-back endpoint: the URL as given (null removes it) and the signing secret
   * when one is given (null or blank keeps the current one).
   */
  public void registerCheckBack(String url, String secret) {
    this.checkBackUrl = url;
    if (secret != null && !secret.isBlank()) {
      this.checkBackSecret = secret.trim();
    }
  }

  public String getCheckBackSecret() {
    return checkBackSecret;
  }

  public void setCheckBackSecret(String checkBackSecret) {
    this.checkBackSecret = checkBackSecret;
  }

  public String[] getRoles() {
    return roles.clone();
  }

  public void setRoles(String[] roles) {
    this.roles = roles.clone();
  }
}
