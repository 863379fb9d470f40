import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { AccountRepository } from './account.repository.js';
import { AccountsController } from './accounts.controller.js';
import { ACCOUNTS } from './accounts.domain.js';
import { AccountsService } from './accounts.service.js';
import { AuthService } from './auth.service.js';
import { Account } from './entities/account.entity.js';
import { ApiKey } from './entities/api-key.entity.js';
import { User } from './entities/user.entity.js';
import { OperatorBootstrap } from './operator-bootstrap.service.js';

@Module({
  imports: [MessagingModule.forDomain(ACCOUNTS), TypeOrmModule.forFeature([Account, User, ApiKey])],
  controllers: [AccountsController],
  providers: [AccountRepository, AccountsService, AuthService, OperatorBootstrap],
})
export class AccountsModule {}
