/*
 * lib/auth/credentials_internal.h - internal: the built-in credential
 * providers and the default chain (botocore order).
 */
#ifndef AWSC_AUTH_CREDENTIALS_INTERNAL_H
#define AWSC_AUTH_CREDENTIALS_INTERNAL_H

#include "awsc/credentials.h"
#include "awsc/sys/transport.h"
#include "config/config.h"
#include "core/core.h"

/* Each constructor returns 0 with *out, or an error. A provider whose
 * source is absent at get() time returns AWSC_ENOTFOUND from get(). The
 * config, transport and logger are borrowed and must outlive the provider. */
int awsc_provider_env_new(awsc_credentials_provider **out,
                          const awsc_config *cfg);
/* aws_access_key_id/... in the credentials file's [profile]. */
int awsc_provider_shared_credentials_new(awsc_credentials_provider **out,
                                         const awsc_config *cfg);
/* aws_access_key_id/... in the config file's profile section. */
int awsc_provider_shared_config_new(awsc_credentials_provider **out,
                                    const awsc_config *cfg);
/* credential_process in the profile. */
int awsc_provider_process_new(awsc_credentials_provider **out,
                              const awsc_config *cfg);
/* AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / FULL_URI. */
int awsc_provider_container_new(awsc_credentials_provider **out,
                                const awsc_config *cfg,
                                awsc_transport *transport);
/* EC2 instance metadata, IMDSv2 (AWS_EC2_METADATA_DISABLED,
 * AWS_EC2_METADATA_SERVICE_ENDPOINT, ec2_metadata_service_endpoint). */
int awsc_provider_imds_new(awsc_credentials_provider **out,
                           const awsc_config *cfg, awsc_transport *transport);
/* Try providers in order; takes ownership of all of them. */
int awsc_provider_chain_new(awsc_credentials_provider **out,
                            awsc_credentials_provider **providers, size_t n);

/* Hook for later issues (STS assume-role, web identity): a constructor
 * the default chain consults for profiles with role_arn /
 * web_identity_token_file. NULL until the STS client exists. */
typedef int (*awsc_role_provider_factory)(awsc_credentials_provider **out,
                                          const awsc_config *cfg,
                                          awsc_transport *transport,
                                          awsc_error *err);

/*
 * The default chain, botocore order: env, [role/web identity hook],
 * shared credentials file, shared config file, credential_process,
 * container, IMDS; wrapped in the caching provider. transport may be NULL
 * (then container and IMDS are left out).
 */
int awsc_credentials_default_chain_new(awsc_credentials_provider **out,
                                       const awsc_config *cfg,
                                       awsc_transport *transport,
                                       awsc_role_provider_factory role_factory,
                                       const awsc_logger *logger,
                                       awsc_error *err);

#endif
