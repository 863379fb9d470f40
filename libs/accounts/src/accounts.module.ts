import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { AppConfig, SecretSealer } from '@app/platform';
import { AccountRepository } from './account.repository.js';
import { AccountsAdminController } from './admin/accounts-admin.controller.js';
import { AccountsAdminRepository } from './admin/accounts-admin.repository.js';
import { AccountsAdminService } from './admin/accounts-admin.service.js';
import { AccountsController } from './accounts.controller.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { JwksController } from './jwks.controller.js';
import { ACCOUNTS } from './accounts.domain.js';
import { AccountsService } from './accounts.service.js';
import { AuthService } from './auth.service.js';
import { Account } from './entities/account.entity.js';
import { ApiKey } from './entities/api-key.entity.js';
import { User } from './entities/user.entity.js';
import { OperatorBootstrapService } from './operator-bootstrap.service.js';
import { SignUp } from './entities/sign-up.entity.js';
import { SignUpController } from './sign-up.controller.js';
import { SignUpRepository } from './sign-up.repository.js';
import { SignUpService } from './sign-up.service.js';

@Module({
  imports: [MessagingModule.forDomain(ACCOUNTS), TypeOrmModule.forFeature([Account, User, ApiKey, SignUp])],
  controllers: [
    AccountsController,
    AccountsAdminController,
    SignUpController,
    ApiKeysController,
    JwksController,
  ],
  providers: [
    AccountRepository,
    SignUpRepository,
    SignUpService,
    {
      provide: SecretSealer,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretSealer(config.SECRETS_KEY),
    },
    AccountsService,
    AccountsAdminRepository,
    AccountsAdminService,
    ApiKeysService,
    AuthService,
    OperatorBootstrapService,
  ],
})
export class AccountsModule {}
