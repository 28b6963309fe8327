/** Dashboard users: roles, bcrypt-hashed passwords, the first admin from configuration. */
package io.rms.service.dashboard.users;
